-- ---
-- title: Refresh status report of every TVIEW (psql -f)
-- description: >-
--   A read-only report to run before and after refresh work, as psql -X -f refresh-status.sql.
--   Section 1: each TVIEW's rows (planner estimate), size, persistence and the time its oldest
--   row was written, which is the last full rebuild (pg_tviews_refresh, refresh_all or
--   creation) unless every row has been rewritten since. Section 2: the tables each TVIEW reads,
--   their dead rows and the state of the TVIEW's pg_tviews triggers on them. Section 3: the
--   dependency order to refresh in. Section 4: drift hints: disabled triggers, a table emptied
--   by a crash, and a random sample of up to 200 rows compared with the view; a sample finds
--   changed and extra rows, not missing ones, so confirm with refresh/verify-equal. About 0.3 s
--   on the scale fixture (1,000,000 rows in tv_comment), most of it for the oldest-row column,
--   which reads each TVIEW in full.
-- safety: read-only
-- privileges:
--   - SELECT on every tv_ table and v_ view (their owner, or pg_read_all_data)
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- expect:
--   columns: [entity, sampled_rows, differing_in_sample, disabled_triggers, hint]
--   rows: { min: 1 }
--   output: ['== 4\. Drift hints']
-- timeout: 2min
-- ---
-- pg_tviews' set-returning functions are planned at 1,000 rows a call, which makes this
-- catalog query look expensive enough for JIT compilation: 0.6 s spent compiling a 2 ms query.
SET jit = off;

\echo '== pg_tviews refresh status'
SELECT current_database() AS database,
       date_trunc('second', now()) AS checked_at,
       tviews.pg_tviews_version() AS pg_tviews,
       (SELECT count(*) FROM tviews.registry) AS tviews;

\echo '== 1. TVIEWs: rows, size, persistence, last full rebuild'
SELECT r.entity,
       format('%I.%I', r.schema, r.name) AS tview,
       -- reltuples is unknown (-1) from a refresh (a TRUNCATE) until the next ANALYZE
       coalesce(CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END,
                (SELECT s.n_live_tup FROM pg_stat_user_tables s WHERE s.relid = c.oid)) AS estimated_rows,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size,
       CASE c.relpersistence WHEN 'u' THEN 'unlogged' WHEN 'p' THEN 'logged' END AS persistence,
       -- pg_tviews fills created_at when it inserts a row and keeps it on updates.
       (xpath('/row/t/text()', query_to_xml(format('SELECT date_trunc(''second'', min(created_at)) AS t FROM %I.%I',
                                                   r.schema, r.name), false, true, '')))[1]::text::timestamptz AS oldest_row_written
  FROM tviews.registry r
  LEFT JOIN pg_class c ON c.oid = CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END
 ORDER BY r.entity;

\echo '== 2. Source tables, their dead rows, and the TVIEW''s triggers on them'
SELECT r.entity,
       source.relid::regclass::text AS source_table,
       -- reltuples is unknown (-1) from a refresh (a TRUNCATE) until the next ANALYZE
       coalesce(CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END,
                (SELECT s.n_live_tup FROM pg_stat_user_tables s WHERE s.relid = c.oid)) AS estimated_rows,
       round(100.0 * s.n_dead_tup / nullif(greatest(s.n_live_tup, c.reltuples::bigint, 0) + s.n_dead_tup, 0), 1) AS dead_pct,
       count(tg.oid) AS tview_triggers,
       count(tg.oid) FILTER (WHERE tg.tgenabled = 'D') AS disabled
  FROM tviews.registry r
 CROSS JOIN LATERAL unnest(r.base_tables) AS source(relid)
  LEFT JOIN pg_class c ON c.oid = source.relid
  LEFT JOIN pg_stat_user_tables s ON s.relid = source.relid
  LEFT JOIN pg_trigger tg
    ON tg.tgrelid = source.relid AND NOT tg.tgisinternal
   AND (left(tg.tgname, length('trg_tview_row_' || r.entity || '_on_')) = 'trg_tview_row_' || r.entity || '_on_'
     OR left(tg.tgname, length('trg_tview_flush_' || r.entity || '_on_')) = 'trg_tview_flush_' || r.entity || '_on_')
 GROUP BY r.entity, source.relid, c.oid, c.reltuples, s.n_live_tup, s.n_dead_tup
 ORDER BY r.entity, source_table;

\echo '== 3. Dependency order (refresh level 0 first; pg_tviews_show_cascade_path)'
WITH chain AS (
    SELECT p.depth, p.entity_name, p.depends_on
      FROM tviews.registry r
     CROSS JOIN LATERAL tviews.pg_tviews_show_cascade_path(r.entity) p
)
SELECT coalesce((SELECT max(ch.depth) FROM chain ch WHERE ch.entity_name = r.entity), 0) AS level,
       r.entity,
       coalesce((SELECT string_agg(DISTINCT ch.depends_on, ', ')
                   FROM chain ch
                  WHERE ch.entity_name = r.entity AND ch.depth > 0), '') AS depends_on
  FROM tviews.registry r
 ORDER BY level, r.entity;

\echo '== 4. Drift hints (a sample; confirm with refresh/verify-equal)'
WITH tview AS (
    SELECT r.entity, r.schema, r.name, r.view, r.needs_reregister,
           quote_ident('pk_' || r.entity) AS pk,
           c.reltuples,
           (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped) AS cols,
           (SELECT string_agg('v.' || quote_ident(a.attname), ', ' ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped) AS view_cols,
           (SELECT string_agg('t.' || quote_ident(a.attname), ', ' ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped) AS tview_cols
      FROM tviews.registry r
      LEFT JOIN pg_class c ON c.oid = CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END
),
sample AS (
    -- Up to 200 rows of the table, picked by block sampling, each looked up in the view by
    -- its primary key: a row the view lacks or returns differently counts as differing.
    SELECT t.entity,
           query_to_xml(format(
               'SELECT count(*) AS sampled, count(*) FILTER (WHERE v.%1$s IS NULL OR ROW(%6$s) IS DISTINCT FROM ROW(%7$s)) AS differing'
               '  FROM (SELECT %2$s FROM %3$I.%4$I TABLESAMPLE SYSTEM (%8$s) LIMIT 200) t'
               '  LEFT JOIN LATERAL (SELECT %2$s FROM %5$s x WHERE x.%1$s = t.%1$s) v ON true',
               t.pk, t.cols, t.schema, t.name, t.view, t.view_cols, t.tview_cols,
               least(100, round(100.0 * 400 / greatest(t.reltuples, 1)::numeric, 4))), false, true, '') AS doc
      FROM tview t
     WHERE t.schema IS NOT NULL AND t.view IS NOT NULL
),
trigger_state AS (
    SELECT t.entity, count(tg.oid) FILTER (WHERE tg.tgenabled = 'D') AS disabled
      FROM tview t
      LEFT JOIN pg_trigger tg
        ON NOT tg.tgisinternal
       AND (left(tg.tgname, length('trg_tview_row_' || t.entity || '_on_')) = 'trg_tview_row_' || t.entity || '_on_'
         OR left(tg.tgname, length('trg_tview_flush_' || t.entity || '_on_')) = 'trg_tview_flush_' || t.entity || '_on_')
     GROUP BY t.entity
),
emptied AS (
    SELECT rs.entity, rs.needs_rebuild FROM tviews.pg_tviews_replication_status() rs
)
SELECT t.entity,
       (xpath('/row/sampled/text()', s.doc))[1]::text::bigint AS sampled_rows,
       (xpath('/row/differing/text()', s.doc))[1]::text::bigint AS differing_in_sample,
       ts.disabled AS disabled_triggers,
       CASE
           WHEN t.schema IS NULL THEN 'TABLE MISSING: see the health check runbook'
           WHEN t.view IS NULL THEN 'VIEW MISSING: see the health check runbook'
           WHEN e.needs_rebuild THEN 'EMPTY after a crash or failover: refresh/rebuild-empty'
           WHEN ts.disabled > 0 THEN 'TRIGGERS DISABLED: it drifts with every write; re-enable, then refresh'
           WHEN (xpath('/row/differing/text()', s.doc))[1]::text::bigint > 0 THEN 'DRIFTED in the sample: refresh it'
           WHEN t.needs_reregister THEN 'NEEDS REREGISTER: pg_tviews_reregister after an upgrade'
           ELSE 'no sign of drift'
       END AS hint
  FROM tview t
  LEFT JOIN sample s USING (entity)
  LEFT JOIN trigger_state ts USING (entity)
  LEFT JOIN emptied e USING (entity)
 ORDER BY t.entity;
