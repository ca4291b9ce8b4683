-- ---
-- title: Database-wide I/O, temporary files and I/O timing
-- description: >-
--   pg_stat_database for this database: cache hit ratio, time spent reading and writing
--   blocks (filled only when track_io_timing is on), temporary files (sorts and hashes that
--   did not fit in work_mem), deadlocks and rollbacks, since stats_reset; and the
--   checkpointer's writes for the whole server. Compare two runs a few minutes apart: the
--   differences are the current rates.
-- safety: read-only
-- privileges:
--   - any role that can connect (pg_stat_database and pg_stat_bgwriter are readable by all)
-- expect:
--   columns: [metric, value, meaning]
--   rows: { min: 10 }
--   output: ['track_io_timing']
-- timeout: 10s
-- ---
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
SELECT 'deadlocks', d.deadlocks::text, 'deadlocks detected; refreshes take row locks on tv_ tables in the writing transaction'
  FROM pg_stat_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'rollback_pct', round(100.0 * d.xact_rollback / nullif(d.xact_commit + d.xact_rollback, 0), 2)::text,
       'share of transactions rolled back (a failing refresh rolls back the write that caused it)'
  FROM pg_stat_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'stats_reset', coalesce(d.stats_reset::text, 'never'), 'counters above are totals since this time'
  FROM pg_stat_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'buffers_backend', b.buffers_backend::text,
       'blocks backends had to write out themselves (server-wide); growing fast means shared_buffers or the bgwriter cannot keep up'
  FROM pg_stat_bgwriter b
UNION ALL
SELECT 'checkpoints_req', b.checkpoints_req::text,
       'checkpoints forced by WAL volume (server-wide); frequent ones after big logged TVIEW rebuilds mean max_wal_size is small'
  FROM pg_stat_bgwriter b;
