-- ---
-- title: The plan of the view a refresh reads, measured with EXPLAIN ANALYZE
-- description: >-
--   A refresh is INSERT INTO tv_<entity> SELECT … FROM v_<entity>. This runs that SELECT with
--   EXPLAIN (ANALYZE, BUFFERS) and prints the plan with real row counts, times and pages read,
--   without writing anything. If its execution time is most of the refresh's, the view is the
--   slow part: look for a sequential scan of a large table inside a nested loop, a node whose
--   actual rows are far above its estimate (ANALYZE the table), or many more buffers than the
--   tables' sizes (bloat). If it is small, the writing is the slow part: the tv_ table's
--   indexes and, for a LOGGED TVIEW, its WAL. It reads the whole view: as long as the read part
--   of a refresh (about 5 s for 1,000,000 rows of tv_comment on the scale fixture).
-- safety: read-only
-- privileges:
--   - SELECT on v_<entity> and the tables it reads
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name, without the tv_ prefix (e.g. post for tv_post)
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
