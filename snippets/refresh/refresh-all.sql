-- ---
-- title: Rebuild every TVIEW in one transaction, then prove each matches
-- description: >-
--   Calls pg_tviews_refresh_all(), which rebuilds every TVIEW from its backing view in
--   dependency order inside ONE transaction and returns that order, the count and the time it
--   took. Every tv_ table stays locked (ACCESS EXCLUSIVE) until the last one is done, and if any
--   TVIEW fails none is refreshed. Use it on small TVIEWs or in a maintenance window; otherwise
--   use the batch refresh, one transaction per TVIEW. Then each TVIEW is compared with its view.
-- safety: writes
-- privileges:
--   - a superuser or the extension's owner, or EXECUTE on tviews.pg_tviews_refresh_all() granted by them (not granted to PUBLIC)
--   - SELECT on every tv_ table, for the comparison afterwards
-- params:
--   lock_timeout:
--     kind: literal
--     description: how long to wait for each TVIEW's lock before the whole run gives up (e.g. 5s)
--     value: 5s
--   statement_timeout:
--     kind: literal
--     description: >-
--       the longest the whole rebuild may run (e.g. 1h): the sum of the TVIEWs' refresh times,
--       with room to spare; the comparison afterwards gets the same limit
--     value: 5min
-- expect:
--   columns: [entity, differing_rows_after]
--   rows: { min: 1 }
--   output: ['"order"']
-- timeout: 10min
-- ---
\set ON_ERROR_STOP on
SET lock_timeout = :'lock_timeout';
SET statement_timeout = :'statement_timeout';

-- {"order": [...], "duration_ms": ..., "refreshed_count": ...}
SELECT tviews.pg_tviews_refresh_all() AS result;

-- Post-check: rows that differ between each TVIEW and its backing view (0 expected
-- everywhere). \gexec runs the comparison this query writes, one row per TVIEW.
SELECT 'SELECT entity, differing_rows_after FROM ('
       || string_agg(format(
              'SELECT %1$L::text AS entity,'
              '       coalesce(sum(abs(g.in_view - g.in_tview)), 0) AS differing_rows_after'
              '  FROM (SELECT sum(s.in_view) AS in_view, sum(s.in_tview) AS in_tview'
              '          FROM (SELECT 1 AS in_view, 0 AS in_tview, %2$s FROM %3$s'
              '                UNION ALL SELECT 0, 1, %2$s FROM %4$I.%5$I) s'
              '         GROUP BY %2$s) g',
              r.entity,
              (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                 FROM pg_attribute a
                WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped),
              r.view, r.schema, r.name), ' UNION ALL ')
       || ') post_check ORDER BY entity'
  FROM tviews.registry r
 WHERE r.schema IS NOT NULL AND r.view IS NOT NULL
\gexec

RESET statement_timeout;
RESET lock_timeout;
