-- ---
-- title: End a session that holds uncommitted TVIEW writes
-- description: >-
--   Terminates one client session chosen by its pid from queue/open-write-transactions, but
--   only if it is at this moment a client of this database with uncommitted writes to a
--   table a TVIEW reads: a pid that has since committed, or been reused by another session,
--   is left alone (no row returned). Its transaction is rolled back, with the TVIEW changes
--   pg_tviews made for it, and its locks are released. Ask the session's owner first when you
--   can: a client that is merely slow loses its work.
-- safety: destructive
-- changes: >-
--   Ends the session with this pid and rolls back its open transaction, source writes and
--   TVIEW changes together; its client sees the connection closed.
-- undo: >-
--   None: the rolled-back work is gone; the TVIEWs stay as they were before it. The
--   application that owned the session must reconnect and send it again.
-- privileges:
--   - superuser, or membership in the role of the session to end, or pg_signal_backend (not for superusers' sessions)
-- params:
--   pid:
--     kind: literal
--     description: the pid column of queue/open-write-transactions
--     value: "0"
-- expect:
--   columns: [pid, usename, state, xact_age, terminated]
--   rows: { min: 0, max: 1 }
-- timeout: 30s
-- ---
SELECT a.pid,
       a.usename,
       a.state,
       date_trunc('second', now() - a.xact_start) AS xact_age,
       pg_terminate_backend(a.pid) AS terminated
  FROM pg_stat_activity a
 WHERE a.pid = (:'pid')::int
   AND a.pid <> pg_backend_pid()
   AND a.backend_type = 'client backend'
   AND a.datname = current_database()
   AND EXISTS (SELECT 1
                 FROM pg_locks l
                 JOIN tviews.registry r ON l.relation = ANY (r.base_tables::oid[])
                WHERE l.pid = a.pid
                  AND l.locktype = 'relation'
                  AND l.mode = 'RowExclusiveLock'
                  AND l.granted);
