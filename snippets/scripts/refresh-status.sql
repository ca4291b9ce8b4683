-- ---
-- title: Refresh status report of every TVIEW (psql -f)
-- description: >-
--   A read-only report to run before and after refresh work, as psql -X -f refresh-status.sql.
--   Section 1: each TVIEW's rows (planner estimate), size and persistence, and pg_tviews'
--   refresh counters since stats_reset (tviews.stats): full_refreshes counts whole rebuilds
--   (pg_tviews_refresh, refresh_all, rebuild_all, a refresh of a TVIEW it reads), rows_written,
--   rows_deleted and refresh_ms the rows the triggers refreshed one by one and the time they
--   took. pg_tviews records no time of the last refresh. Section 2: the tables each TVIEW
--   reads, how pg_tviews follows them (local or mapped: by the TVIEW's own triggers on the
--   table; propagated: through the TVIEW it embeds), their dead rows and the state of the
--   TVIEW's triggers on them. Section 3: the dependency order to refresh in, and what each
--   refresh also rebuilds. Section 4: known causes of drift per TVIEW: disabled triggers, an
--   UNLOGGED TVIEW emptied by a crash, a registration to renew, a missing table or view. It
--   does not compare rows: refresh/verify-equal does, one TVIEW at a time. Reads catalogs and
--   statistics, and one row of each TVIEW: well under a second whatever their size.
-- safety: read-only
-- privileges:
--   - SELECT on every tv_ table (pg_tviews_replication_status looks whether each is empty), e.g. their owner or pg_read_all_data
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews); the catalogs, statistics views and tviews.stats are readable by all
-- expect:
--   columns: [entity, disabled_triggers, needs_rebuild, needs_reregister, hint]
--   rows: { min: 1 }
--   output: ['== 4\. Known causes of drift']
-- timeout: 1min
-- ---
-- pg_tviews' set-returning functions are planned at 1,000 rows a call, which makes this
-- catalog query look expensive enough for JIT compilation, slower than running it.
SET jit = off;

\echo '== pg_tviews refresh status'
SELECT current_database() AS database,
       date_trunc('second', now()) AS checked_at,
       tviews.pg_tviews_version() AS pg_tviews,
       (SELECT count(*) FROM tviews.registry) AS tviews,
       (SELECT date_trunc('second', min(s.stats_reset)) FROM tviews.stats s) AS counters_since;

\echo '== 1. TVIEWs: rows, size, persistence, refresh counters since stats_reset'
SELECT r.entity,
       format('%I.%I', r.schema, r.name) AS tview,
       -- reltuples is unknown (-1) from a refresh (a TRUNCATE) until the next ANALYZE
       coalesce(CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END,
                (SELECT s.n_live_tup FROM pg_stat_user_tables s WHERE s.relid = c.oid)) AS estimated_rows,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size,
       CASE c.relpersistence WHEN 'u' THEN 'unlogged' WHEN 'p' THEN 'logged' END AS persistence,
       st.full_refreshes,
       st.rows_written,
       st.rows_deleted,
       round(st.refresh_ms::numeric, 1) AS refresh_ms,
       date_trunc('second', st.stats_reset) AS stats_reset
  FROM tviews.registry r
  LEFT JOIN pg_class c ON c.oid = CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END
  LEFT JOIN tviews.stats st ON st.entity = r.entity
 ORDER BY r.entity;

\echo '== 2. Source tables, how pg_tviews follows them, their dead rows, and the TVIEW''s triggers on them'
SELECT r.entity,
       source.relid::regclass::text AS source_table,
       r.cascade_kinds ->> source.relid::regclass::text AS followed,
       -- reltuples is unknown (-1) from a refresh (a TRUNCATE) until the next ANALYZE
       coalesce(CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END,
                (SELECT s.n_live_tup FROM pg_stat_user_tables s WHERE s.relid = c.oid)) AS estimated_rows,
       round(100.0 * s.n_dead_tup / nullif(greatest(s.n_live_tup, c.reltuples::bigint, 0) + s.n_dead_tup, 0), 1) AS dead_pct,
       count(tg.oid) AS tview_triggers,
       -- 'D' disabled, 'R' fires only in session_replication_role = replica: both miss writes
       count(tg.oid) FILTER (WHERE tg.tgenabled IN ('D', 'R')) AS disabled
  FROM tviews.registry r
 CROSS JOIN LATERAL unnest(r.base_tables) AS source(relid)
  LEFT JOIN pg_class c ON c.oid = source.relid
  LEFT JOIN pg_stat_user_tables s ON s.relid = source.relid
  LEFT JOIN pg_trigger tg
    ON tg.tgrelid = source.relid AND NOT tg.tgisinternal
   AND EXISTS (SELECT 1
                 FROM unnest(ARRAY['row', 'flush', 'truncate', 'delta_i', 'delta_u', 'delta_d']) AS kind(k)
                WHERE left(tg.tgname, length('trg_tview_' || kind.k || '_' || r.entity || '_on_'))
                      = 'trg_tview_' || kind.k || '_' || r.entity || '_on_')
 GROUP BY r.entity, r.cascade_kinds, source.relid, c.oid, c.reltuples, s.n_live_tup, s.n_dead_tup
 ORDER BY r.entity, source_table;

\echo '== 3. Dependency order (refresh level 0 first; pg_tviews_show_cascade_path)'
WITH chain AS (
    SELECT r.entity AS root, p.depth, p.entity, p.depends_on
      FROM tviews.registry r
     CROSS JOIN LATERAL tviews.pg_tviews_show_cascade_path(r.entity) p
)
SELECT coalesce((SELECT max(ch.depth) FROM chain ch WHERE ch.entity = r.entity), 0) AS level,
       r.entity,
       coalesce((SELECT string_agg(DISTINCT ch.depends_on, ', ')
                   FROM chain ch
                  WHERE ch.entity = r.entity AND ch.depth > 0), '') AS depends_on,
       coalesce((SELECT string_agg(DISTINCT ch.entity, ', ')
                   FROM chain ch
                  WHERE ch.root = r.entity AND ch.depth > 0), '') AS also_rebuilds
  FROM tviews.registry r
 ORDER BY level, r.entity;

\echo '== 4. Known causes of drift (rows are not compared: refresh/verify-equal does)'
WITH trigger_state AS (
    SELECT r.entity, count(tg.oid) FILTER (WHERE tg.tgenabled IN ('D', 'R')) AS disabled
      FROM tviews.registry r
      LEFT JOIN pg_trigger tg
        ON NOT tg.tgisinternal
       AND EXISTS (SELECT 1
                     FROM unnest(ARRAY['row', 'flush', 'truncate', 'delta_i', 'delta_u', 'delta_d']) AS kind(k)
                    WHERE left(tg.tgname, length('trg_tview_' || kind.k || '_' || r.entity || '_on_'))
                          = 'trg_tview_' || kind.k || '_' || r.entity || '_on_')
     GROUP BY r.entity
),
upstream AS (
    -- The TVIEWs each TVIEW embeds, transitively: their drift reaches it.
    SELECT p.entity, string_agg(DISTINCT r.entity, ', ') FILTER (WHERE ts.disabled > 0) AS disabled_in
      FROM tviews.registry r
     CROSS JOIN LATERAL tviews.pg_tviews_show_cascade_path(r.entity) p
      JOIN trigger_state ts ON ts.entity = r.entity
     WHERE p.depth > 0
     GROUP BY p.entity
)
SELECT r.entity,
       ts.disabled AS disabled_triggers,
       rs.needs_rebuild,
       r.needs_reregister,
       CASE
           WHEN r.schema IS NULL THEN 'TABLE MISSING: see the health check runbook'
           WHEN r.view IS NULL THEN 'VIEW MISSING: see the health check runbook'
           WHEN rs.needs_rebuild THEN 'EMPTY after a crash or failover: refresh/rebuild-empty'
           WHEN ts.disabled > 0 THEN 'TRIGGERS DISABLED: it drifts with every write; re-enable, then refresh'
           WHEN u.disabled_in IS NOT NULL
               THEN 'TRIGGERS DISABLED on ' || u.disabled_in || ', which it embeds: re-enable, then refresh ' || u.disabled_in
           WHEN r.needs_reregister THEN 'NEEDS REREGISTER: pg_tviews_reregister after an upgrade'
           ELSE 'no known cause: compare with refresh/verify-equal to be sure'
       END AS hint
  FROM tviews.registry r
  LEFT JOIN trigger_state ts USING (entity)
  LEFT JOIN upstream u USING (entity)
  LEFT JOIN tviews.pg_tviews_replication_status() rs USING (entity)
 ORDER BY r.entity;
