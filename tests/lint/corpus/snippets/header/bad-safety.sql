-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- # expect-next-line: header
-- safety: mostly-harmless
-- privileges: [pg_read_all_stats]
-- ---
SELECT 1;
