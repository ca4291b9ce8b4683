-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: writes
-- privileges: [pg_read_all_stats]
-- params:
--   entity: {kind: literal, description: the TVIEW entity, value: post}
-- ---
-- expect-next-line: api-function
SELECT tviews.pg_tviews_refresh(:'entity', force => true);
