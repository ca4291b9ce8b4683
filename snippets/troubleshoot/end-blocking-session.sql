-- ---
-- title: End the session that blocks a refresh
-- description: >-
--   Terminates one client session, chosen by its pid from troubleshoot/lock-waits, but only if
--   it is at this moment blocking another session of this database: a pid that has since
--   finished, or been reused by an unrelated session, is left alone (no row returned). Its open
--   transaction is rolled back and its locks are released; the waiting refresh then proceeds.
--   Ask the session's owner first when you can: ending it loses its uncommitted work.
-- safety: destructive
-- changes: >-
--   Ends the session with this pid and rolls back its open transaction; its client sees the
--   connection closed.
-- undo: >-
--   None: the rolled-back work is gone. The application (or the person) that owned the session
--   must reconnect and do it again.
-- privileges:
--   - superuser, or membership in the role of the session to end, or pg_signal_backend (not for superusers' sessions)
-- params:
--   pid:
--     kind: literal
--     description: the blocking_pid column of troubleshoot/lock-waits
--     value: "0"
-- expect:
--   columns: [pid, usename, state, transaction_age, terminated]
--   rows: { min: 0, max: 1 }
-- timeout: 30s
-- ---
SELECT a.pid,
       a.usename,
       a.state,
       date_trunc('second', now() - a.xact_start) AS transaction_age,
       pg_terminate_backend(a.pid) AS terminated
  FROM pg_stat_activity a
 WHERE a.pid = (:'pid')::int
   AND a.pid <> pg_backend_pid()
   AND a.backend_type = 'client backend'
   AND a.datname = current_database()
   AND EXISTS (SELECT 1
                 FROM pg_stat_activity w
                WHERE w.datname = current_database()
                  AND a.pid = ANY (pg_blocking_pids(w.pid)));
