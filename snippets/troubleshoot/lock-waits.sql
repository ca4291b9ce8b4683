-- ---
-- title: Who is waiting for a lock, and who holds it
-- description: >-
--   One row per waiting session and each session blocking it (pg_blocking_pids), in this
--   database: what the waiter wants (relation or lock type, and mode), how long its query has
--   been running (query_seconds) and what it is; the blocker's state, transaction age and last
--   query. A refresh stuck behind a reader shows as a waiter on tv_<entity> in
--   AccessExclusiveLock; one stuck behind a writer of a table the TVIEW reads waits on a
--   "pg_tviews lock on tb_<x>" (pg_tviews' advisory locks, objsubid 21623 or, for one value,
--   21622). Sessions queued behind that refresh show the refresh's pid as their blocker. A
--   blocker in state "idle in transaction" holds its locks until it commits, rolls back or is
--   ended; blocking_pid 0 is a prepared transaction (see queue/prepared-transactions).
-- safety: read-only
-- privileges:
--   - any role; pg_read_all_stats (or superuser) to see other roles' queries and states
-- expect:
--   columns: [waiting_pid, waiting_for, query_seconds, waiting_query, blocking_pid, blocking_state, blocking_transaction_age, blocking_query]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
SELECT w.pid AS waiting_pid,
       coalesce(
           (SELECT CASE
                       WHEN l.locktype = 'relation' THEN l.relation::regclass::text
                       -- pg_tviews' own locks are advisory locks whose classid is the table
                       WHEN l.locktype = 'advisory' AND l.objsubid = 21623
                           THEN 'pg_tviews lock on ' || l.classid::regclass::text
                       WHEN l.locktype = 'advisory' AND l.objsubid = 21622
                           THEN 'pg_tviews value lock on ' || l.classid::regclass::text
                       ELSE l.locktype
                   END || ' ' || l.mode
              FROM pg_locks l
             WHERE l.pid = w.pid AND NOT l.granted
             LIMIT 1),
           w.wait_event) AS waiting_for,
       round(extract(epoch FROM now() - w.query_start)::numeric, 1) AS query_seconds,
       left(w.query, 160) AS waiting_query,
       b.pid AS blocking_pid,
       CASE WHEN blocker.pid = 0 THEN 'prepared transaction' ELSE b.state END AS blocking_state,
       date_trunc('second', now() - b.xact_start) AS blocking_transaction_age,
       left(b.query, 160) AS blocking_query
  FROM pg_stat_activity w
 CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocker(pid)
  LEFT JOIN pg_stat_activity b ON b.pid = blocker.pid
 WHERE w.wait_event_type = 'Lock'
   AND w.datname = current_database()
 ORDER BY query_seconds DESC, w.pid, b.pid;
