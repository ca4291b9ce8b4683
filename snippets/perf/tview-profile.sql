-- ---
-- title: pg_tviews' own profile of every TVIEW
-- description: >-
--   tviews.pg_tviews_profile() per TVIEW: storage (logged or not, estimated rows, heap,
--   index and TOAST size, row width), update behaviour (HOT ratio, dead rows, last vacuum),
--   indexes no query has used, the indexes refreshes need but lack
--   (missing_propagation_indexes: each one makes every cascading refresh scan the whole
--   table), the fan-out of each foreign key (rows refreshed per changed parent, p50/p99/max,
--   with the time and WAL pg_tviews projects for the p99 per parent write) and its warnings.
--   It reads the planner's statistics (pg_stats, pg_class), not the tables.
-- safety: read-only
-- privileges:
--   - any role that can connect (EXECUTE on tviews.pg_tviews_profile is granted to PUBLIC)
-- expect:
--   columns: [entity, persistence, rows_estimate, total_size, avg_row_width, hot_ratio, n_dead_tup, last_autovacuum, missing_propagation_indexes, unused_indexes, fanout, warnings]
--   rows: { min: 1 }
-- timeout: 30s
-- ---
SELECT p.entity,
       p.persistence,
       p.rows_estimate,
       pg_size_pretty(p.heap_bytes + p.index_bytes + p.toast_bytes) AS total_size,
       p.avg_row_width,
       round(p.hot_ratio::numeric, 2) AS hot_ratio,
       p.n_dead_tup,
       p.last_autovacuum,
       p.missing_propagation_indexes,
       p.unused_indexes,
       p.fanout,
       p.warnings
  FROM tviews.pg_tviews_profile() AS p
 ORDER BY p.heap_bytes + p.index_bytes + p.toast_bytes DESC;
