-- ---
-- title: Settings that bound what one session's TVIEW maintenance may use
-- description: >-
--   The settings that decide how much memory and how many rows one statement's TVIEW
--   maintenance may take, with their value in this session, where that value comes from, who
--   may change it, and what it bounds; then the values set for a role or this database with
--   ALTER ROLE / ALTER DATABASE … SET, which apply to new sessions of that role or database.
--   pg_tviews keeps its refresh queue and caches in the writing session's own memory, mostly outside
--   PostgreSQL's memory contexts: max_queue_size and max_refresh_rows are what stop one
--   statement from growing it without end (the statement fails with 54000 and is rolled back).
-- safety: read-only
-- privileges:
--   - any role
-- expect:
--   columns: [setting, value, set_for, who_may_set]
--   rows: { min: 0 }
--   output: ['pg_tviews.max_queue_size']
-- timeout: 10s
-- ---
\pset footer off
\echo '== Settings of this session'
SELECT s.name AS setting,
       s.setting || coalesce(' ' || s.unit, '') AS value,
       s.source,
       CASE s.context WHEN 'user' THEN 'any role, per session'
                      WHEN 'superuser' THEN 'superuser (or GRANT SET ON PARAMETER)'
                      WHEN 'postmaster' THEN 'server restart'
                      WHEN 'sighup' THEN 'configuration reload'
                      ELSE s.context END AS who_may_set,
       CASE s.name
           WHEN 'pg_tviews.max_queue_size' THEN 'refresh keys one statement may queue in the session; beyond it the statement fails (54000)'
           WHEN 'pg_tviews.max_refresh_rows' THEN 'TVIEW rows one statement''s refresh may write (0: no limit); beyond it the statement fails (54000)'
           WHEN 'pg_tviews.batch_size' THEN 'keys a bulk refresh recomputes per query'
           WHEN 'pg_tviews.cache_size' THEN 'entries per in-session metadata cache before it is cleared'
           WHEN 'pg_tviews.report_max_tracked' THEN 'changed rows journaled per transaction for pg_tviews_flush_and_report (0: off)'
           WHEN 'pg_tviews.lock_escalation_threshold' THEN 'value locks per relation before one relation lock replaces them (-1: never, which can fill the lock table)'
           WHEN 'work_mem' THEN 'memory per sort or hash of a query, refresh queries included, before spilling to disk'
           WHEN 'hash_mem_multiplier' THEN 'hashes may use work_mem times this'
           WHEN 'maintenance_work_mem' THEN 'memory of CREATE INDEX and VACUUM (a TVIEW rebuild rebuilds its indexes)'
           WHEN 'max_connections' THEN 'sessions, each with its own work_mem and pg_tviews memory'
           WHEN 'max_locks_per_transaction' THEN 'size of the shared lock table (pg_tviews value locks use it)'
           WHEN 'shared_buffers' THEN 'shared page cache, allocated at start'
           WHEN 'statement_timeout' THEN 'longest statement, refresh included'
           WHEN 'idle_in_transaction_session_timeout' THEN 'ends sessions that hold a transaction (and its TVIEW rows) open while idle'
       END AS bounds
  FROM pg_settings s
 WHERE s.name IN ('pg_tviews.max_queue_size', 'pg_tviews.max_refresh_rows', 'pg_tviews.batch_size',
                  'pg_tviews.cache_size', 'pg_tviews.report_max_tracked', 'pg_tviews.lock_escalation_threshold',
                  'work_mem', 'hash_mem_multiplier', 'maintenance_work_mem', 'max_connections',
                  'max_locks_per_transaction', 'shared_buffers', 'statement_timeout',
                  'idle_in_transaction_session_timeout')
 ORDER BY s.name LIKE 'pg_tviews.%' DESC, s.name;

\echo '== Values set for a role or this database (apply to their new sessions)'
SELECT split_part(cfg, '=', 1) AS setting,
       substr(cfg, strpos(cfg, '=') + 1) AS value,
       CASE WHEN s.setrole = 0 THEN 'database ' || d.datname
            WHEN s.setdatabase = 0 THEN 'role ' || pg_get_userbyid(s.setrole)
            ELSE 'role ' || pg_get_userbyid(s.setrole) || ' in database ' || d.datname END AS set_for,
       CASE WHEN split_part(cfg, '=', 1) IN ('pg_tviews.max_queue_size', 'pg_tviews.max_refresh_rows', 'pg_tviews.lock_escalation_threshold')
            THEN 'superuser (ALTER ROLE/DATABASE … SET, RESET to undo)'
            ELSE 'the role or database owner (ALTER ROLE/DATABASE … SET, RESET to undo)' END AS who_may_set
  FROM pg_db_role_setting s
  LEFT JOIN pg_database d ON d.oid = s.setdatabase
 CROSS JOIN LATERAL unnest(s.setconfig) AS cfg
 WHERE (s.setdatabase = 0 OR d.datname = current_database())
   AND split_part(cfg, '=', 1) IN ('pg_tviews.max_queue_size', 'pg_tviews.max_refresh_rows', 'pg_tviews.batch_size',
                                   'pg_tviews.cache_size', 'pg_tviews.report_max_tracked', 'pg_tviews.lock_escalation_threshold',
                                   'work_mem', 'hash_mem_multiplier', 'maintenance_work_mem', 'statement_timeout',
                                   'idle_in_transaction_session_timeout')
 ORDER BY 1, 3;
