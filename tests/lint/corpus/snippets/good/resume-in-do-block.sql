-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: writes
-- privileges: [pg_read_all_stats]
-- ---
DO $$
BEGIN
  IF tviews.pg_tviews_is_suspended() THEN
    PERFORM tviews.pg_tviews_resume_triggers();
    RAISE NOTICE 'TVIEW maintenance resumed';
  END IF;
END $$;
