-- ---
-- title: Database-wide I/O, WAL, temporary files and I/O timing
-- description: >-
--   pg_stat_database for this database: cache hit ratio, time spent reading and writing
--   blocks (filled only when track_io_timing is on), temporary files (sorts and hashes that
--   did not fit in work_mem), deadlocks and rollbacks, since stats_reset; and, for the whole
--   server, the WAL written (TVIEWs are LOGGED by default since pg_tviews 0.1.0-beta.28, so
--   every refreshed row is written to WAL too), the blocks client backends had to write out
--   themselves (pg_stat_io) and the checkpoints WAL volume forced. Compare two runs a few
--   minutes apart: the differences are the current rates.
-- safety: read-only
-- privileges:
--   - any role that can connect (pg_stat_database, pg_stat_wal, pg_stat_io and the checkpoint statistics are readable by all)
-- expect:
--   columns: [metric, value, meaning]
--   rows: { min: 12 }
--   output: ['track_io_timing', 'wal_bytes', 'checkpoints_requested']
-- timeout: 10s
-- ---
\set ON_ERROR_STOP on
-- Requested checkpoints are counted in pg_stat_checkpointer from PostgreSQL 17 on, in
-- pg_stat_bgwriter before: psql keeps the query for this server in a variable.
SELECT CASE WHEN current_setting('server_version_num')::int >= 170000
            THEN 'SELECT num_requested FROM pg_stat_checkpointer'
            ELSE 'SELECT checkpoints_req FROM pg_stat_bgwriter'
       END AS checkpoints_requested_query
\gset

SELECT 'track_io_timing' AS metric, current_setting('track_io_timing') AS value,
       'off: blk_read_ms and blk_write_ms stay 0 (turn it on: ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf())' AS meaning
UNION ALL
SELECT 'cache_hit_pct', round(100.0 * d.blks_hit / nullif(d.blks_hit + d.blks_read, 0), 2)::text,
       'share of block reads served from shared_buffers; below 99 on a busy OLTP database deserves a look'
  FROM pg_stat_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'blk_read_ms', round(d.blk_read_time::numeric)::text, 'time backends waited for block reads'
  FROM pg_stat_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'blk_write_ms', round(d.blk_write_time::numeric)::text, 'time backends spent writing blocks themselves'
  FROM pg_stat_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'temp_files', d.temp_files::text, 'sorts and hashes that spilled to disk (raise work_mem for the statements doing it)'
  FROM pg_stat_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'temp_bytes', pg_size_pretty(d.temp_bytes), 'volume of those spills'
  FROM pg_stat_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'deadlocks', d.deadlocks::text,
       'deadlocks detected; writes whose refreshes lock the same TVIEW rows or values in opposite orders deadlock (40P01): retry them'
  FROM pg_stat_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'rollback_pct', round(100.0 * d.xact_rollback / nullif(d.xact_commit + d.xact_rollback, 0), 2)::text,
       'share of transactions rolled back (a failing refresh rolls back the write that caused it)'
  FROM pg_stat_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'stats_reset', coalesce(d.stats_reset::text, 'never'), 'the counters above are totals since this time'
  FROM pg_stat_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'wal_bytes', pg_size_pretty(w.wal_bytes),
       'WAL written by the whole server since ' || coalesce(w.stats_reset::text, 'it started') || '; LOGGED TVIEWs add their refreshed rows to it'
  FROM pg_stat_wal w
UNION ALL
SELECT 'backend_writes', sum(i.writes)::text,
       'blocks client backends had to write out themselves (server-wide); growing fast means shared_buffers or the background writer cannot keep up'
  FROM pg_stat_io i
 WHERE i.backend_type = 'client backend' AND i.object = 'relation'
UNION ALL
SELECT 'checkpoints_requested', (:checkpoints_requested_query)::text,
       'checkpoints forced by WAL volume (server-wide); frequent ones during large TVIEW rebuilds mean max_wal_size is small';
