-- ---
-- title: Sessions of this database stuck in one state for too long (what ending them would end)
-- description: >-
--   Lists the client sessions of this database that have been in the given state for longer
--   than the given time, optionally of one role only: exactly the sessions
--   maintenance/end-stale-sessions would end with the same values, so run this first. Your own
--   session and anything that is not a client (autovacuum, WAL senders, pg_tviews' rebuild
--   worker, parallel workers) are never listed. tviews_written names the TVIEW tables whose
--   uncommitted changes ending a session would roll back. Reads pg_stat_activity and pg_locks.
-- safety: read-only
-- privileges:
--   - pg_read_all_stats (or superuser) to see other roles' states and statements
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
--   columns: [pid, role, application, client, state, in_state_for, xact_for, tviews_written, query]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
WITH tview_table AS (
    SELECT to_regclass(format('%I.%I', r.schema, r.name)) AS relid, r.name
      FROM tviews.registry r
     WHERE r.schema IS NOT NULL
)
SELECT a.pid,
       a.usename AS role,
       a.application_name AS application,
       coalesce(host(a.client_addr), 'local socket') AS client,
       a.state,
       date_trunc('second', now() - a.state_change) AS in_state_for,
       date_trunc('second', now() - a.xact_start) AS xact_for,
       (SELECT string_agg(DISTINCT t.name, ', ')
          FROM pg_locks l JOIN tview_table t ON t.relid = l.relation
         WHERE l.pid = a.pid AND l.mode = 'RowExclusiveLock' AND l.granted) AS tviews_written,
       left(regexp_replace(a.query, '\s+', ' ', 'g'), 120) AS query
  FROM pg_stat_activity a
 WHERE a.backend_type = 'client backend'
   AND a.pid <> pg_backend_pid()
   AND a.datname = current_database()
   AND a.state = :'state'
   AND a.state_change < now() - (:'older_than')::interval
   AND (:'role' = '*' OR a.usename = :'role')
 ORDER BY a.state_change;
