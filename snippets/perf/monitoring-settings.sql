-- ---
-- title: Settings that decide what can be measured and how much memory is used
-- description: >-
--   Whether pg_stat_statements is loaded and installed in this database and what it
--   tracks, whether I/O is timed, and the memory settings that bound a refresh: shared
--   buffers for the tables, work_mem for each sort or hash in the view queries, and
--   pg_tviews' per-backend limits. pg_tviews keeps its queue and caches in the memory of
--   each writing backend (no shared memory of its own), so memory grows with the size of a
--   transaction's writes, per session.
-- safety: read-only
-- privileges:
--   - any role that can connect
-- expect:
--   columns: [setting, value, meaning]
--   rows: { min: 8 }
--   output: ['pg_stat_statements']
-- timeout: 10s
-- ---
SELECT 'pg_stat_statements loaded' AS setting,
       ('pg_stat_statements' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')))::text AS value,
       'false: add it to shared_preload_libraries and restart, then CREATE EXTENSION pg_stat_statements' AS meaning
UNION ALL
SELECT 'pg_stat_statements installed here', EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements')::text,
       'false: CREATE EXTENSION pg_stat_statements in this database'
UNION ALL
SELECT 'pg_stat_statements.track', coalesce(current_setting('pg_stat_statements.track', true), '(not loaded)'),
       'all: pg_tviews'' own refresh statements are listed separately; top: only the application''s statements'
UNION ALL
SELECT 'track_io_timing', current_setting('track_io_timing'), 'on: read and write times are recorded'
UNION ALL
SELECT 'shared_buffers', current_setting('shared_buffers'), 'cache for tables and indexes, shared by all sessions'
UNION ALL
SELECT 'work_mem', current_setting('work_mem'), 'per sort or hash in each query, e.g. in a full refresh of a large view'
UNION ALL
SELECT 'maintenance_work_mem', current_setting('maintenance_work_mem'), 'index builds during a TVIEW rebuild or re-creation'
UNION ALL
SELECT 'pg_tviews.max_queue_size', current_setting('pg_tviews.max_queue_size'), 'refresh keys one statement may queue in backend memory'
UNION ALL
SELECT 'pg_tviews.cache_size', current_setting('pg_tviews.cache_size'), 'entries per in-memory metadata cache, per backend'
UNION ALL
SELECT 'pg_tviews.metrics_enabled', current_setting('pg_tviews.metrics_enabled'), 'refresh metrics collection (the per-transaction counters of pg_tviews_queue_stats work either way)';
