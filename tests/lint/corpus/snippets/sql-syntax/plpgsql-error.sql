-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: writes
-- privileges: [pg_read_all_stats]
-- ---
-- expect-next-line: sql-syntax
DO $$ BEGIN FOR r IN SELECT 1 LOOP END LOOP; END $$;
