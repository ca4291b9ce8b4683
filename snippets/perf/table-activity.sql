-- ---
-- title: Scans, writes and dead rows of TVIEW tables and their sources
-- description: >-
--   pg_stat_user_tables for every tv_ table (role tview) and every table a TVIEW reads
--   (role source), counted since the statistics were last reset. Refreshes show up as
--   writes to the tv_ tables; sequential scans that keep growing on a tv_ table mean a
--   refresh looks rows up without an index (see missing_propagation_indexes in
--   perf/tview-profile), and on a source table that the view's join lacks an index on a
--   foreign key. Also the HOT-update share, dead rows and the last (auto)vacuum.
-- safety: read-only
-- privileges:
--   - any role that can connect (pg_stat_user_tables is readable by all)
-- expect:
--   columns: [role, table_name, seq_scan, seq_tup_read, idx_scan, n_tup_ins, n_tup_upd, hot_pct, n_tup_del, n_live_tup, n_dead_tup, dead_pct, last_autovacuum, last_autoanalyze]
--   rows: { min: 1 }
-- timeout: 10s
-- ---
WITH tables AS (
    SELECT CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END::oid AS relid, 'tview' AS role FROM tviews.registry r WHERE r.schema IS NOT NULL
    UNION
    SELECT b::oid, 'source' FROM tviews.registry r CROSS JOIN LATERAL unnest(r.base_tables) AS b
)
SELECT t.role,
       s.relid::regclass::text AS table_name,
       s.seq_scan,
       s.seq_tup_read,
       s.idx_scan,
       s.n_tup_ins,
       s.n_tup_upd,
       round(100.0 * s.n_tup_hot_upd / nullif(s.n_tup_upd, 0), 1) AS hot_pct,
       s.n_tup_del,
       s.n_live_tup,
       s.n_dead_tup,
       round(100.0 * s.n_dead_tup / nullif(s.n_live_tup + s.n_dead_tup, 0), 1) AS dead_pct,
       s.last_autovacuum,
       s.last_autoanalyze
  FROM tables t
  JOIN pg_stat_user_tables s ON s.relid = t.relid
 ORDER BY t.role DESC, s.seq_tup_read DESC;
