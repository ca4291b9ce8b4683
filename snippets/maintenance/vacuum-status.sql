-- ---
-- title: Vacuum and statistics state of TVIEW tables and pg_tviews' own tables
-- description: >-
--   One row per TVIEW table and per table pg_tviews keeps its catalog in (schema tviews): live
--   and dead rows, rows changed since the last ANALYZE, the planner's row count (reltuples,
--   -1 after a full refresh until the next ANALYZE), when each was last vacuumed and analyzed
--   by hand or by autovacuum, the dead-row and changed-row counts at which autovacuum will act
--   (from the server's settings and the table's own), the age of its oldest transaction ID,
--   and what to do. Reads only statistics and the catalog: milliseconds on any size.
-- safety: read-only
-- privileges:
--   - any role that can connect (pg_stat_all_tables and pg_class are readable by all)
-- expect:
--   columns: [kind, table_name, live_rows, dead_rows, dead_pct, changed_since_analyze, planner_rows, last_vacuum, last_analyze, autovacuum, vacuum_at_dead_rows, analyze_at_changed_rows, xid_age, needs]
--   rows: { min: 4 }
-- timeout: 10s
-- ---
-- needs: OK                  nothing to do
--        ANALYZE (…)         the planner has no statistics for this table's rows (after a
--                            full refresh, a creation or a rebuild) or they are out of date
--        VACUUM (…)          more dead rows than autovacuum's threshold: it is behind
--        autovacuum off (…)  nobody but you will vacuum or analyze this table
WITH tables AS (
    -- The TVIEWs' own tables.
    SELECT 'tview' AS kind, to_regclass(format('%I.%I', r.schema, r.name)) AS relid
      FROM tviews.registry r
     WHERE r.schema IS NOT NULL
    UNION ALL
    -- The tables the extension owns (its registrations, audit log, helpers).
    SELECT 'pg_tviews catalog', d.objid::regclass
      FROM pg_depend d
      JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_tviews'
      JOIN pg_class c ON c.oid = d.objid
     WHERE d.classid = 'pg_class'::regclass
       AND d.deptype = 'e'
       AND c.relkind = 'r'
),
settings AS (
    SELECT t.kind, t.relid, c.reltuples, c.relfrozenxid,
           coalesce(o.enabled, current_setting('autovacuum')::boolean) AS autovacuum,
           coalesce(o.vac_threshold, current_setting('autovacuum_vacuum_threshold')::float8)
             + coalesce(o.vac_scale, current_setting('autovacuum_vacuum_scale_factor')::float8) * greatest(c.reltuples, 0) AS vac_at,
           -- PostgreSQL 18 caps the vacuum threshold (autovacuum_vacuum_max_threshold, -1: no cap).
           nullif(coalesce(o.vac_max, current_setting('autovacuum_vacuum_max_threshold', true)::float8), -1) AS vac_max,
           coalesce(o.anl_threshold, current_setting('autovacuum_analyze_threshold')::float8)
             + coalesce(o.anl_scale, current_setting('autovacuum_analyze_scale_factor')::float8) * greatest(c.reltuples, 0) AS anl_at
      FROM tables t
      JOIN pg_class c ON c.oid = t.relid
      LEFT JOIN LATERAL (
          SELECT max(split_part(opt, '=', 2)) FILTER (WHERE opt LIKE 'autovacuum_enabled=%')::boolean AS enabled,
                 max(split_part(opt, '=', 2)) FILTER (WHERE opt LIKE 'autovacuum_vacuum_threshold=%')::float8 AS vac_threshold,
                 max(split_part(opt, '=', 2)) FILTER (WHERE opt LIKE 'autovacuum_vacuum_scale_factor=%')::float8 AS vac_scale,
                 max(split_part(opt, '=', 2)) FILTER (WHERE opt LIKE 'autovacuum_vacuum_max_threshold=%')::float8 AS vac_max,
                 max(split_part(opt, '=', 2)) FILTER (WHERE opt LIKE 'autovacuum_analyze_threshold=%')::float8 AS anl_threshold,
                 max(split_part(opt, '=', 2)) FILTER (WHERE opt LIKE 'autovacuum_analyze_scale_factor=%')::float8 AS anl_scale
            FROM unnest(c.reloptions) AS opt
      ) o ON true
)
SELECT st.kind,
       st.relid::text AS table_name,
       s.n_live_tup AS live_rows,
       s.n_dead_tup AS dead_rows,
       round(100.0 * s.n_dead_tup / nullif(s.n_live_tup + s.n_dead_tup, 0), 1) AS dead_pct,
       s.n_mod_since_analyze AS changed_since_analyze,
       st.reltuples::bigint AS planner_rows,
       date_trunc('second', greatest(s.last_vacuum, s.last_autovacuum)) AS last_vacuum,
       date_trunc('second', greatest(s.last_analyze, s.last_autoanalyze)) AS last_analyze,
       st.autovacuum,
       round(least(st.vac_at, coalesce(st.vac_max, st.vac_at)))::bigint AS vacuum_at_dead_rows,
       round(st.anl_at)::bigint AS analyze_at_changed_rows,
       age(st.relfrozenxid) AS xid_age,
       CASE
           WHEN st.reltuples < 0 AND pg_relation_size(st.relid) > 0 THEN 'ANALYZE: no statistics since the table was last filled (full refresh or creation)'
           WHEN s.n_dead_tup > least(st.vac_at, coalesce(st.vac_max, st.vac_at)) THEN 'VACUUM: more dead rows than autovacuum''s threshold'
           WHEN s.n_mod_since_analyze > st.anl_at THEN 'ANALYZE: more changed rows than autovacuum''s threshold'
           WHEN NOT st.autovacuum THEN 'autovacuum off for this table: vacuum and analyze it yourself'
           ELSE 'OK'
       END AS needs
  FROM settings st
  JOIN pg_stat_all_tables s ON s.relid = st.relid
 ORDER BY st.kind DESC, s.n_dead_tup + s.n_mod_since_analyze DESC, st.relid::text;
