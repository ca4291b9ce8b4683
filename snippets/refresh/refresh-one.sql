-- ---
-- title: Rebuild one TVIEW (and the TVIEWs that read it), then prove they match
-- description: >-
--   Calls pg_tviews_refresh(entity). In one transaction it rebuilds tv_<entity> from its backing
--   view (TRUNCATE, then INSERT … SELECT) and then every TVIEW whose view reads it, dependencies
--   first (pg_tviews_show_cascade_path lists them: refreshing post rebuilds comment too). Each
--   rebuilt table is locked ACCESS EXCLUSIVE until the commit, so its readers, and the writes
--   that reach it, wait for the whole rebuild. lock_timeout bounds the wait for those locks (a
--   refresh queued behind a long reader would otherwise block every new reader too);
--   statement_timeout bounds each statement. On any error psql stops (ON_ERROR_STOP): the
--   refresh is rolled back and every TVIEW keeps its old rows. Then, for each TVIEW rebuilt,
--   the rows that still differ from its view are counted: 0 expected.
-- safety: writes
-- privileges:
--   - owner of tv_<entity> (or of the extension), or a superuser; the TVIEWs rebuilt with it are rebuilt as their own owners
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name (post for tv_post); tv_post and public.tv_post are accepted too
--     value: post
--   lock_timeout:
--     kind: literal
--     description: >-
--       how long to wait for the TVIEWs' locks before giving up (e.g. 5s); keep it short on a
--       busy system, every new reader queues behind a waiting refresh
--     value: 5s
--   statement_timeout:
--     kind: literal
--     description: >-
--       the longest the rebuild, and then the comparison, may each run (e.g. 30min); allow
--       about twice the time the last refresh of these TVIEWs took
--     value: 5min
-- expect:
--   columns: [entity, differing_rows_after]
--   rows: { min: 1 }
--   output: ['\b0\b']
-- timeout: 10min
-- ---
\set ON_ERROR_STOP on
SET lock_timeout = :'lock_timeout';
SET statement_timeout = :'statement_timeout';

SELECT tviews.pg_tviews_refresh(:'entity');

-- Post-check, in a transaction of its own: for the TVIEW and each TVIEW rebuilt with it, the
-- rows of its backing view missing from its table plus the rows of its table the view does
-- not return, on the view's columns. \gexec runs the comparison this query writes (jit off:
-- pg_tviews_show_cascade_path is planned at 1,000 rows, enough to make JIT compile it).
SET jit = off;
WITH rebuilt AS (
    SELECT p.entity, max(p.depth) AS depth
      FROM tviews.pg_tviews_show_cascade_path(:'entity') p
     GROUP BY p.entity
)
SELECT 'SELECT entity, differing_rows_after FROM ('
       || string_agg(format(
              'SELECT %1$L::text AS entity, %2$s AS depth,'
              '       coalesce(sum(abs(g.in_view - g.in_tview)), 0) AS differing_rows_after'
              '  FROM (SELECT sum(s.in_view) AS in_view, sum(s.in_tview) AS in_tview'
              '          FROM (SELECT 1 AS in_view, 0 AS in_tview, %3$s FROM %4$s'
              '                UNION ALL SELECT 0, 1, %3$s FROM %5$I.%6$I) s'
              '         GROUP BY %3$s) g',
              r.entity, b.depth,
              (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                 FROM pg_attribute a
                WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped),
              r.view, r.schema, r.name), ' UNION ALL ')
       || ') post_check ORDER BY depth, entity'
  FROM rebuilt b
  JOIN tviews.registry r USING (entity)
 WHERE r.schema IS NOT NULL AND r.view IS NOT NULL
\gexec

RESET jit;
RESET statement_timeout;
RESET lock_timeout;
