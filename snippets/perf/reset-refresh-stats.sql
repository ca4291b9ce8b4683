-- ---
-- title: Reset tviews.stats for this database (start a measurement window)
-- description: >-
--   Sets pg_tviews' refresh counters of every TVIEW of this database to zero, so that
--   perf/refresh-stats afterwards shows only what was refreshed since now (other databases
--   keep theirs). The reset takes effect at once, in shared memory: rolling back the
--   transaction that ran it does not bring the counters back. Reset, let the workload run
--   for a known time (15 minutes), then read. Then shows the zeroed rows.
-- safety: destructive
-- changes: Discards the refresh counts and times collected so far for this database's TVIEWs.
-- undo: >-
--   None: the counters are gone. Save perf/refresh-stats output first if you need it
--   (psql -o refresh-stats-before.txt -f ...).
-- privileges:
--   - superuser or the extension's owner (EXECUTE on tviews.pg_tviews_stats_reset is revoked from PUBLIC)
-- expect:
--   columns: [entity, refresh_ms, rows_written, stats_reset]
--   rows: { min: 1 }
-- timeout: 10s
-- ---
SELECT tviews.pg_tviews_stats_reset();
SELECT s.entity, s.refresh_ms, s.rows_written, s.stats_reset
  FROM tviews.stats s
 ORDER BY s.entity;
