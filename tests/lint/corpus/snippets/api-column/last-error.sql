-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- ---
-- expect-next-line: api-column
SELECT m.entity, m.last_error
FROM tviews.pg_tview_meta m;
