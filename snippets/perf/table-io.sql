-- ---
-- title: Disk reads and cache hits of TVIEW tables and their sources
-- description: >-
--   pg_statio_user_tables for every tv_ table and every table a TVIEW reads: blocks read
--   from disk (or the OS cache) against blocks found in shared buffers, for the table, its
--   indexes and its TOAST, since the statistics were last reset. A hit ratio that falls
--   while refreshes run means the TVIEWs and their sources no longer fit in shared_buffers.
-- safety: read-only
-- privileges:
--   - any role that can connect (pg_statio_user_tables is readable by all)
-- expect:
--   columns: [role, table_name, heap_read, heap_hit, heap_hit_pct, idx_read, idx_hit, idx_hit_pct, toast_read, toast_hit]
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
       s.heap_blks_read AS heap_read,
       s.heap_blks_hit AS heap_hit,
       round(100.0 * s.heap_blks_hit / nullif(s.heap_blks_hit + s.heap_blks_read, 0), 2) AS heap_hit_pct,
       s.idx_blks_read AS idx_read,
       s.idx_blks_hit AS idx_hit,
       round(100.0 * s.idx_blks_hit / nullif(s.idx_blks_hit + s.idx_blks_read, 0), 2) AS idx_hit_pct,
       s.toast_blks_read AS toast_read,
       s.toast_blks_hit AS toast_hit
  FROM tables t
  JOIN pg_statio_user_tables s ON s.relid = t.relid
 ORDER BY s.heap_blks_read + coalesce(s.idx_blks_read, 0) DESC;
