-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- targets: { except: [pg18, pg17, pg16], reason: leaves out every target by mistake }
-- ---
-- expect: target-claim
SELECT 1;
