-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- params:
--   entity: {kind: literal, description: the TVIEW entity, value: post}
-- ---
-- expect-next-line: unquoted-parameter
SELECT * FROM tviews.pg_tview_meta WHERE entity = :entity;
