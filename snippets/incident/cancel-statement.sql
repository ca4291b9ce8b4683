-- ---
-- title: Cancel the statement of one session writing TVIEW sources
-- description: >-
--   Cancels the running statement of one client session of this database, chosen by its pid
--   (from incident/backend-memory or health/tview-activity), but only while it is active and
--   holds a write lock on a table a TVIEW reads, so a pid that finished or was reused is left
--   alone (no row). Cancelling rolls back the statement, its source writes and the TVIEW rows
--   pg_tviews wrote for it, and frees the memory its refresh queue held; the session stays
--   connected (inside an explicit transaction, that transaction is aborted and must be
--   rolled back by its client). Gentler than ending the session.
-- safety: destructive
-- changes: >-
--   Cancels the running statement of this pid, rolling back what the statement wrote, TVIEW
--   rows included; its client gets an error (57014).
-- undo: >-
--   None: the client must run the statement again, in smaller parts if it was too big.
-- privileges:
--   - superuser, or membership in the role of the session, or pg_signal_backend (not for superusers' sessions)
-- params:
--   pid:
--     kind: literal
--     description: the pid of the session whose statement to cancel
--     value: "0"
-- expect:
--   columns: [pid, usename, running_for, query, cancelled]
--   rows: { min: 0, max: 1 }
-- timeout: 30s
-- ---
SELECT a.pid,
       a.usename,
       date_trunc('second', now() - a.query_start) AS running_for,
       left(a.query, 100) AS query,
       pg_cancel_backend(a.pid) AS cancelled
  FROM pg_stat_activity a
 WHERE a.pid = (:'pid')::int
   AND a.pid <> pg_backend_pid()
   AND a.backend_type = 'client backend'
   AND a.datname = current_database()
   AND a.state = 'active'
   AND EXISTS (SELECT 1
                 FROM pg_locks l
                 JOIN tviews.registry r ON l.relation = ANY (r.base_tables::oid[])
                WHERE l.pid = a.pid
                  AND l.locktype = 'relation'
                  AND l.mode = 'RowExclusiveLock'
                  AND l.granted);
