-- ---
-- title: Where the server log goes, how it rotates, and how much it holds
-- description: >-
--   pg_tviews writes to the server log like any backend: its WARNINGs and errors (messages
--   starting "pg_tviews:"), and its rebuild worker's LOG lines after a restart ("pg_tviews:
--   rebuilt tv_…", "library catalog revision … does not match", which an upgrade leaves until
--   ALTER EXTENSION pg_tviews UPDATE). One row per setting that decides where those lines go and
--   when the file is rotated, then the file written now and the size of the log directory
--   (when PostgreSQL's own logging collector writes it), each with what it means. Reads
--   settings only: milliseconds.
-- safety: read-only
-- privileges:
--   - any role for the settings; superuser or pg_monitor for the current file and the directory's size
-- expect:
--   columns: [setting, value, meaning]
--   rows: { min: 10 }
--   output: ['logging_collector']
-- timeout: 10s
-- ---
SELECT pg_has_role('pg_monitor', 'USAGE') OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS may_read_log_files,
       current_setting('logging_collector')::boolean AS collector_on
\gset
SELECT s.name AS setting,
       s.setting || coalesce(' ' || s.unit, '') AS value,
       CASE s.name
           WHEN 'logging_collector' THEN CASE WHEN s.setting = 'on'
               THEN 'PostgreSQL writes and rotates the log files itself (rows below)'
               ELSE 'off: the log goes to PostgreSQL''s stderr; whoever captures it (systemd-journald, the container runtime, pg_ctl -l with logrotate copytruncate) rotates it, and the rotation settings below do nothing' END
           WHEN 'log_destination' THEN 'stderr, csvlog and jsonlog need logging_collector to become files; syslog and eventlog go to the system''s log'
           WHEN 'log_directory' THEN 'relative to the data directory unless absolute'
           WHEN 'log_filename' THEN 'a new file is opened when the name changes (strftime patterns) or a rotation forces it'
           WHEN 'log_rotation_age' THEN 'rotate after this long (0: never by age)'
           WHEN 'log_rotation_size' THEN 'rotate after this size (0: never by size)'
           WHEN 'log_truncate_on_rotation' THEN 'on: a rotation to an existing name overwrites it (with a weekday name: keeps 7 days); off: appends, nothing is ever removed'
           WHEN 'log_min_messages' THEN 'warning (the default) keeps pg_tviews'' WARNINGs, its errors and its rebuild worker''s LOG lines (LOG ranks above ERROR in the server log); error or higher drops the WARNINGs'
           WHEN 'log_min_error_statement' THEN 'the statement that failed is logged with errors at this level or above'
           WHEN 'log_line_prefix' THEN 'add %u@%d and %a so a pg_tviews error can be traced to its role, database and application'
           WHEN 'log_autovacuum_min_duration' THEN 'autovacuum runs longer than this are logged (the vacuum of large TVIEW tables)'
           WHEN 'log_lock_waits' THEN 'on: waits longer than deadlock_timeout are logged (writers waiting for a refresh, refreshes for a writer)'
       END AS meaning
  FROM pg_settings s
 WHERE s.name IN ('logging_collector', 'log_destination', 'log_directory', 'log_filename', 'log_rotation_age',
                  'log_rotation_size', 'log_truncate_on_rotation', 'log_min_messages', 'log_min_error_statement',
                  'log_line_prefix', 'log_autovacuum_min_duration', 'log_lock_waits')
\if :may_read_log_files
  \if :collector_on
UNION ALL
SELECT 'current file', coalesce(pg_current_logfile(), '(none yet)'), 'the file being written now'
UNION ALL
SELECT 'log directory', pg_size_pretty(sum(size)) || ' in ' || count(*) || ' files', 'oldest ' || min(modification)::date || ', newest ' || max(modification)::date
  FROM pg_ls_logdir()
  \endif
\endif
 ORDER BY 1;
