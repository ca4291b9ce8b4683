-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- ---
DO $$
BEGIN
  -- expect-next-line: safety-understated
  PERFORM tviews.pg_tviews_suspend_triggers();
END $$;
