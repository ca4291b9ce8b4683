-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: destructive
-- privileges: [pg_read_all_stats]
-- changes: Changes state on purpose for the corpus.
-- undo: Nothing to undo, the corpus is never run.
-- ---
DO $$
DECLARE r record;
BEGIN
  -- expect-next-line: api-trigger-name
  FOR r IN SELECT tgrelid::regclass AS t, tgname FROM pg_trigger WHERE tgname LIKE 'pg_tviews_%' LOOP
    EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', r.t, r.tgname);
  END LOOP;
END $$;
