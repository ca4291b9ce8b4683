-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- ---
SELECT tgrelid::regclass AS source_table, tgname, tgenabled
FROM pg_trigger
WHERE tgname LIKE 'trg_tview_%'
ORDER BY 1, 2;
