-- ---
-- title: TVIEW sizes and row estimates (cheap, for growth tracking)
-- description: >-
--   Size of each TVIEW's table, indexes and TOAST, its estimated rows (from the planner's
--   statistics, not a count) and bytes per row, largest first, with total_bytes as a plain
--   number to compare between runs. Run it now and again later (or keep the monitor's log):
--   the difference of total_bytes divided by the time between the runs is the growth rate.
--   Milliseconds on any size. estimated_rows is 0 after a full refresh until the next
--   ANALYZE; for an exact count, SELECT count(*) FROM the tv_ table (it reads the whole
--   table).
-- safety: read-only
-- privileges:
--   - any role that can connect (sizes and pg_class are readable by all)
-- expect:
--   columns: [entity, tview, persistence, estimated_rows, table_size, indexes_size, toast_size, total_size, total_bytes, bytes_per_row, share_of_database]
--   rows: { min: 1 }
-- timeout: 10s
-- ---
SELECT r.entity,
       r.name AS tview,
       CASE c.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'logged' END AS persistence,
       greatest(c.reltuples, 0)::bigint AS estimated_rows,
       pg_size_pretty(pg_relation_size(c.oid)) AS table_size,
       pg_size_pretty(pg_indexes_size(c.oid)) AS indexes_size,
       pg_size_pretty(CASE WHEN c.reltoastrelid <> 0 THEN pg_total_relation_size(c.reltoastrelid) ELSE 0 END) AS toast_size,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size,
       pg_total_relation_size(c.oid) AS total_bytes,
       CASE WHEN c.reltuples > 0 THEN round(pg_total_relation_size(c.oid) / c.reltuples)::bigint END AS bytes_per_row,
       round(100.0 * pg_total_relation_size(c.oid) / pg_database_size(current_database()), 1) AS share_of_database
  FROM tviews.registry r
  JOIN pg_class c ON c.oid = CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END
 ORDER BY pg_total_relation_size(c.oid) DESC;
