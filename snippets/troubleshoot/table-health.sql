-- ---
-- title: Scans and dead rows of every TVIEW table and the tables it reads
-- description: >-
--   PostgreSQL's counters (pg_stat_user_tables, since the last statistics reset) for each tv_
--   table and each source table in tviews.registry. Two signs of a slow refresh: a tv_ table
--   whose seq_scans keep growing, each reading about live_rows rows (run it twice a minute
--   apart and compare), is read in full over and over, usually because an fk_ column lacks an
--   index (troubleshoot/missing-indexes); a
--   dead_pct above about 20 % means the table is bloated, every read of it (the view a refresh
--   runs, a trigger's lookup) reads the dead rows too, and VACUUM is behind. Cheap: reads only
--   statistics.
-- safety: read-only
-- privileges:
--   - any role (pg_stat_user_tables is readable by all)
-- expect:
--   columns: [role, table_name, tviews, live_rows, dead_rows, dead_pct, seq_scans, seq_rows_read, rows_per_seq_scan, index_scans, last_vacuum, last_analyze]
--   rows: { min: 1 }
-- timeout: 10s
-- ---
WITH involved AS (
    SELECT CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END AS relid,
           'tview' AS role, r.entity
      FROM tviews.registry r
    UNION ALL
    SELECT source.relid, 'source', r.entity
      FROM tviews.registry r
     CROSS JOIN LATERAL unnest(r.base_tables) AS source(relid)
)
SELECT i.role,
       s.relid::regclass::text AS table_name,
       string_agg(DISTINCT 'tv_' || i.entity, ', ') AS tviews,
       s.n_live_tup AS live_rows,
       s.n_dead_tup AS dead_rows,
       -- live rows: the statistics' count, or the planner's when statistics were reset
       round(100.0 * s.n_dead_tup / nullif(greatest(s.n_live_tup, c.reltuples::bigint, 0) + s.n_dead_tup, 0), 1) AS dead_pct,
       s.seq_scan AS seq_scans,
       s.seq_tup_read AS seq_rows_read,
       s.seq_tup_read / nullif(s.seq_scan, 0) AS rows_per_seq_scan,
       s.idx_scan AS index_scans,
       date_trunc('second', greatest(s.last_vacuum, s.last_autovacuum)) AS last_vacuum,
       date_trunc('second', greatest(s.last_analyze, s.last_autoanalyze)) AS last_analyze
  FROM involved i
  JOIN pg_stat_user_tables s ON s.relid = i.relid
  JOIN pg_class c ON c.oid = s.relid
 GROUP BY i.role, s.relid, c.reltuples, s.n_live_tup, s.n_dead_tup, s.seq_scan, s.seq_tup_read, s.idx_scan,
          s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze
 ORDER BY i.role DESC, s.relid::regclass::text;
