-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: writes
-- privileges: [pg_read_all_stats]
-- params:
--   tview: {kind: identifier, description: the TVIEW table, value: tv_post}
-- ---
SET lock_timeout = '5s';
VACUUM (ANALYZE) :"tview";
RESET lock_timeout;
