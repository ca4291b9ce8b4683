-- ---
-- title: End the sessions that connected before a switch
-- description: >-
--   Terminates every client session of this database that connected before connected_before
--   (the switched_at of incident/read-only-on or incident/read-only-off), except this one.
--   Settings made with ALTER DATABASE apply when a session connects, so these are the sessions
--   still running with the old default: read-write after the switch to read-only, read-only
--   after the way back. Each one's open transaction is rolled back (source and TVIEW changes
--   together) and its client must reconnect; connection pools do that by themselves. Lists
--   what it ended.
-- safety: destructive
-- changes: >-
--   Ends every other client session of this database that connected before the time given,
--   rolling back their open transactions.
-- undo: >-
--   None: the clients reconnect (with the database's current default) and must send the
--   rolled-back work again. TVIEWs stay consistent with the committed data.
-- privileges:
--   - superuser, or pg_signal_backend (which cannot end superusers' sessions), or membership in the roles of the sessions
-- params:
--   connected_before:
--     kind: literal
--     description: a timestamp with time zone, the switched_at printed by the switch (e.g. 2026-11-30 23:20:05+00)
--     value: 2000-01-01 00:00:00+00
-- expect:
--   columns: [pid, usename, application_name, backend_start, state, terminated]
--   rows: { min: 0 }
-- timeout: 30s
-- ---
SELECT a.pid,
       a.usename,
       a.application_name,
       date_trunc('second', a.backend_start) AS backend_start,
       a.state,
       pg_terminate_backend(a.pid) AS terminated
  FROM pg_stat_activity a
 WHERE a.datname = current_database()
   AND a.backend_type = 'client backend'
   AND a.pid <> pg_backend_pid()
   AND a.backend_start < (:'connected_before')::timestamptz
 ORDER BY a.backend_start;
