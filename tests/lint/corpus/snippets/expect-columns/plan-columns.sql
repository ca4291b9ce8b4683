-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- expect:
--   columns: [entity, last_refresh_time]
-- ---
-- The header expects what the plan said; the registry has no such column.
-- expect-next-line: expect-columns
SELECT r.entity, r.time_dependent
FROM tviews.registry r;
