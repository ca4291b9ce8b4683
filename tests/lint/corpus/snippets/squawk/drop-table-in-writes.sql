-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: writes
-- privileges: [owner of the table]
-- ---
SET lock_timeout = '5s';
-- expect-next-line: squawk/ban-drop-table
DROP TABLE IF EXISTS tv_old;
