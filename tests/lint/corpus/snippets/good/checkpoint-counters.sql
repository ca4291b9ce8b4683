-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- targets:
--   except: [pg16]
--   reason: pg_stat_checkpointer is new in PostgreSQL 17; PostgreSQL 16 keeps these counters in pg_stat_bgwriter.
-- ---
SELECT num_timed, num_requested, buffers_written
FROM pg_stat_checkpointer;
