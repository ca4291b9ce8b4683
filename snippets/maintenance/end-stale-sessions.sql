-- ---
-- title: End the sessions of this database stuck in one state for too long
-- description: >-
--   Terminates the client sessions of this database that have been in the given state for
--   longer than the given time (of one role, or of all): the ones maintenance/stale-sessions
--   lists with the same values, decided again at the moment it runs, so a session that moved
--   on meanwhile is left alone. Never your own session, never a non-client process
--   (autovacuum, WAL senders, pg_tviews' rebuild worker, parallel workers). Each ended
--   session's open transaction is rolled back, source writes and the TVIEW rows pg_tviews
--   wrote for them together, and its slot is freed; its client gets an error on its next
--   statement and must reconnect. One row per session, with terminated true when the signal
--   was sent.
-- safety: destructive
-- changes: >-
--   Ends the matching sessions and rolls back their open transactions; their clients see the
--   connection closed.
-- undo: >-
--   None: the rolled-back work is gone and the TVIEWs stay consistent with what was committed.
--   The applications reconnect and send it again.
-- privileges:
--   - superuser, or pg_signal_backend (which cannot end superusers' sessions), or membership in the role of each session
--   - pg_read_all_stats (or superuser) to see other roles' states
-- params:
--   state:
--     kind: literal
--     description: "the state, as pg_stat_activity shows it: idle in transaction, idle in transaction (aborted), idle, or active"
--     value: idle in transaction
--   older_than:
--     kind: literal
--     description: how long the session has been in that state (e.g. 15 minutes)
--     value: 1 hour
--   role:
--     kind: literal
--     description: "only sessions of this role, or * for every role"
--     value: "*"
-- expect:
--   columns: [pid, role, application, state, in_state_for, terminated]
--   rows: { min: 0 }
-- timeout: 30s
-- ---
SELECT a.pid,
       a.usename AS role,
       a.application_name AS application,
       a.state,
       date_trunc('second', now() - a.state_change) AS in_state_for,
       pg_terminate_backend(a.pid) AS terminated
  FROM pg_stat_activity a
 WHERE a.backend_type = 'client backend'
   AND a.pid <> pg_backend_pid()
   AND a.datname = current_database()
   AND a.state = :'state'
   AND a.state_change < now() - (:'older_than')::interval
   AND (:'role' = '*' OR a.usename = :'role')
 ORDER BY a.state_change;
