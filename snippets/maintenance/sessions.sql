-- ---
-- title: Who is connected, for how long, and what they hold
-- description: >-
--   One row per client session of the server, oldest transaction first: database, role,
--   application and address, state and how long it has been in it, how old its transaction
--   is, what it waits for, how many locks it holds, the TVIEW tables it has written and not
--   yet committed (pg_tviews writes TVIEW rows inside the writer's transaction, so nobody else
--   sees them until it commits), the age in transactions of the oldest snapshot it keeps
--   (which holds back VACUUM), and its last statement. TVIEWs are named only for sessions of
--   this database. Reads pg_stat_activity and pg_locks: milliseconds.
-- safety: read-only
-- privileges:
--   - pg_read_all_stats (or superuser) to see other roles' addresses, states and statements
-- expect:
--   columns: [pid, database, role, application, client, state, in_state_for, xact_for, waiting_for, locks, tviews_written, snapshot_age, query]
--   rows: { min: 1 }
-- timeout: 10s
-- ---
WITH tview_table AS (
    SELECT to_regclass(format('%I.%I', r.schema, r.name)) AS relid, r.name
      FROM tviews.registry r
     WHERE r.schema IS NOT NULL
),
held AS (
    SELECT l.pid,
           count(*) AS locks,
           string_agg(DISTINCT t.name, ', ') FILTER (WHERE l.mode = 'RowExclusiveLock'
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS tviews_written
      FROM pg_locks l
      LEFT JOIN tview_table t ON t.relid = l.relation
     WHERE l.granted AND l.pid IS NOT NULL
     GROUP BY l.pid
)
SELECT a.pid,
       a.datname AS database,
       a.usename AS role,
       a.application_name AS application,
       coalesce(host(a.client_addr), 'local socket') AS client,
       a.state,
       date_trunc('second', now() - a.state_change) AS in_state_for,
       date_trunc('second', now() - a.xact_start) AS xact_for,
       CASE WHEN a.wait_event_type IN ('Lock', 'LWLock', 'IO', 'IPC', 'BufferPin') THEN a.wait_event_type || ': ' || a.wait_event END AS waiting_for,
       coalesce(h.locks, 0) AS locks,
       h.tviews_written,
       age(a.backend_xmin) AS snapshot_age,
       left(regexp_replace(a.query, '\s+', ' ', 'g'), 120) AS query
  FROM pg_stat_activity a
  LEFT JOIN held h ON h.pid = a.pid
 WHERE a.backend_type = 'client backend'
 ORDER BY a.xact_start NULLS LAST, a.backend_start;
