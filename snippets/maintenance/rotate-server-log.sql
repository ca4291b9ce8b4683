-- ---
-- title: Start a new server log file now
-- description: >-
--   Asks PostgreSQL's logging collector to close the current log file and open a new one
--   (pg_rotate_logfile), for example after a storm of pg_tviews warnings filled it, so the old
--   file can be compressed or moved away. Returns true when the rotation was signalled, and
--   the file being written afterwards (it may take a moment to change). With
--   logging_collector off it returns false with a WARNING and nothing happens: rotate where
--   the log is captured instead.
-- safety: writes
-- privileges:
--   - superuser (EXECUTE on pg_rotate_logfile is not granted to other roles by default)
-- expect:
--   columns: [rotated, writing_now]
--   rows: { min: 1, max: 1 }
-- timeout: 10s
-- ---
SELECT pg_rotate_logfile() AS rotated,
       pg_current_logfile() AS writing_now;
