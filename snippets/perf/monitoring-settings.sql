-- ---
-- title: Settings that decide what can be measured and how much memory is used
-- description: >-
--   Whether pg_stat_statements is loaded and installed in this database and what it
--   tracks, whether I/O is timed, and the memory settings that bound a refresh: shared
--   buffers for the tables, work_mem for each sort or hash in the view queries, and
--   pg_tviews' limits. pg_tviews keeps its queue and caches in the memory of each writing
--   backend, so that memory grows with the size of a statement's writes, per session; its
--   only shared memory is the tviews.stats table (4096 TVIEWs per cluster), which needs
--   pg_tviews in shared_preload_libraries.
-- safety: read-only
-- privileges:
--   - any role that can connect
-- expect:
--   columns: [setting, value, meaning]
--   rows: { min: 10 }
--   output: ['pg_stat_statements', 'tviews.stats']
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
SELECT 'pg_tviews preloaded (tviews.stats)',
       ('pg_tviews' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')))::text,
       'false: tviews.stats counts nothing (its table is shared memory set up at server start); add pg_tviews to shared_preload_libraries and restart'
UNION ALL
SELECT 'pg_tviews.max_queue_size', current_setting('pg_tviews.max_queue_size'), 'refresh keys one statement may queue in backend memory (superuser setting)'
UNION ALL
SELECT 'pg_tviews.batch_size', current_setting('pg_tviews.batch_size'), 'most keys one bulk refresh statement recomputes at a time'
UNION ALL
SELECT 'pg_tviews.cache_size', current_setting('pg_tviews.cache_size'), 'entries per in-memory metadata cache, per backend';
