-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- targets: { only: [pg15], reason: written for a PostgreSQL that is not a target }
-- ---
-- expect: target-claim
SELECT 1;
