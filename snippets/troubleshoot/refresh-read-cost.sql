-- ---
-- title: The plan of the view a refresh reads, measured with EXPLAIN ANALYZE
-- description: >-
--   A refresh is TRUNCATE, then INSERT INTO tv_<entity> SELECT … FROM its backing view
--   (tviews.registry.view, e.g. tviews.public__tv_post). This runs that SELECT with EXPLAIN
--   (ANALYZE, BUFFERS) and prints the plan with real row counts, times and pages read, without
--   writing anything. If its execution time is most of the refresh's, the view is the slow
--   part: look for a sequential scan of a large table inside a nested loop, a node whose actual
--   rows are far above its estimate (ANALYZE the table), or many more buffers than the tables'
--   sizes (bloat). If it is small, the writing is the slow part: the tv_ table's indexes and,
--   for a LOGGED TVIEW (the default), its WAL. It reads the whole view, so it takes as long as
--   the read part of a refresh of this one TVIEW.
-- safety: read-only
-- privileges:
--   - SELECT on tv_<entity> (whoever may read the table may read its backing view)
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name (post for tv_post)
--     value: post
-- expect:
--   output: ['Execution Time: [0-9.]+ ms']
-- timeout: 5min
-- ---
\set ON_ERROR_STOP on
-- The view's name and the column list pg_tviews_refresh inserts, into psql variables.
SELECT r.view::text AS refresh_view,
       (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
          FROM pg_attribute a
         WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped) AS refresh_columns
  FROM tviews.registry r
 WHERE r.entity = :'entity' AND r.view IS NOT NULL
\gset

EXPLAIN (ANALYZE, BUFFERS) SELECT :refresh_columns FROM :refresh_view;
