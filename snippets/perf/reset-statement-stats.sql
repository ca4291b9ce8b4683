-- ---
-- title: Reset pg_stat_statements for this database (start a measurement window)
-- description: >-
--   Clears the pg_stat_statements counters of the current database only (other databases
--   keep theirs), so that perf/refresh-statements afterwards shows only what ran since now:
--   reset, let the workload run for a known time (15 minutes), then read.
-- safety: destructive
-- changes: Discards the statement statistics collected so far for this database.
-- undo: >-
--   None: the counters are gone. Save perf/refresh-statements output first if you need it
--   (psql -o before-reset.txt -f ...).
-- privileges:
--   - superuser (pg_stat_statements_reset is not granted to other roles by default)
-- expect:
--   columns: [reset_at]
--   rows: { min: 1, max: 1 }
-- timeout: 10s
-- ---
SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0);
SELECT now() AS reset_at;
