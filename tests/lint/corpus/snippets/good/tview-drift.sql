-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- params:
--   entity: {kind: literal, description: the TVIEW entity, value: post}
--   tview: {kind: identifier, description: the TVIEW table, value: tv_post}
--   view: {kind: identifier, description: the source view, value: v_post}
-- ---
-- Rows that differ between the TVIEW and its view, both directions.
SELECT 'missing in TVIEW' AS problem, count(*) AS rows
FROM (SELECT * FROM :"view" EXCEPT SELECT * FROM :"tview") AS d
UNION ALL
SELECT 'extra in TVIEW', count(*)
FROM (SELECT * FROM :"tview" EXCEPT SELECT * FROM :"view") AS d;
SELECT m.entity, m.created_at FROM tviews.pg_tview_meta m WHERE m.entity = :'entity';
