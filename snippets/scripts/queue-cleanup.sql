-- ---
-- title: queue-cleanup.sql, what holds TVIEW changes back; finish a stuck prepared transaction
-- description: >-
--   pg_tviews has no queue table to clean: refresh work is queued in the writing session and
--   applied at the end of each statement, inside the writer's transaction. What holds TVIEW
--   changes back, and makes other writers and refreshes wait, is a transaction that wrote
--   and did not end: a prepared (two-phase) transaction nobody finished, or a session idle
--   in transaction. This script lists both for this database, with their age, the TVIEWs
--   whose rows they hold, pg_tviews' value locks, the TVIEWs whose readers they block and
--   how many sessions wait for them (stuck when older than min_age). With -v action=rollback
--   or -v action=commit and -v gid=…, it then finishes that one prepared transaction (ROLLBACK
--   PREPARED discards its source and TVIEW changes together, COMMIT PREPARED publishes them)
--   and lists again. A gid that is no longer prepared, or prepared in another database, is
--   reported and nothing is done, so running it twice is harmless. Without action it only
--   reads.
-- safety: destructive
-- changes: >-
--   With action=rollback or action=commit, finishes the prepared transaction gid: its
--   changes, TVIEW rows included, are discarded or made visible, and its locks released.
-- undo: >-
--   None. After a rollback the application must send its changes again; after a commit,
--   write compensating changes to the tb_ tables and pg_tviews carries them to the TVIEWs.
-- privileges:
--   - any role to list (pg_read_all_stats to see other roles' sessions)
--   - to finish one, the role that prepared it or a superuser, connected to its database
-- params:
--   action:
--     kind: literal
--     description: report (only list, the default), rollback or commit
--     value: rollback
--   gid:
--     kind: literal
--     description: the gid of the prepared transaction to finish (from the first list)
--     value: pgtv-verify-no-such-gid
--   min_age:
--     kind: literal
--     description: from what age a prepared or open writing transaction is called stuck (e.g. 5 min)
--     value: 5 min
-- expect:
--   columns: [gid, owner, prepared, age, stuck, tviews_held, value_locks, blocks_readers_of, waiting_sessions]
--   rows: { min: 0 }
--   output: ['nothing to do', '== Sessions with uncommitted writes']
-- timeout: 1min
-- ---
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
\if :{?action}
\else
  \set action report
\endif
\if :{?gid}
\else
  \set gid ''
\endif
\if :{?min_age}
\else
  \set min_age '5 min'
\endif
SET jit = off;

SELECT :'action' IN ('report', 'rollback', 'commit') AS pgtv_action_ok,
       :'action' IN ('rollback', 'commit') AS pgtv_finishing \gset
\if :pgtv_action_ok
\else
  DO $refuse$
  BEGIN
      RAISE EXCEPTION 'queue-cleanup.sql: action must be report, rollback or commit; nothing was done';
  END
  $refuse$;
\endif

\echo '== queue-cleanup.sql: there is no queue table; these transactions hold TVIEW changes back'
SELECT current_database() AS database,
       :'action' AS action,
       nullif(:'gid', '') AS gid,
       (:'min_age')::interval AS stuck_after,
       date_trunc('second', now()) AS checked_at;

\echo '== Prepared transactions of this database (a prepared transaction keeps its locks until COMMIT or ROLLBACK PREPARED, across restarts)'
WITH held AS (
    -- A prepared transaction keeps its locks: they have no pid and share the virtual
    -- transaction of its transactionid lock.
    SELECT xid.transactionid AS xact, l.locktype, l.mode, l.relation, l.objsubid
      FROM pg_locks xid
      JOIN pg_locks l ON l.virtualtransaction = xid.virtualtransaction AND l.pid IS NULL
     WHERE xid.locktype = 'transactionid' AND xid.pid IS NULL
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
),
tv AS (
    SELECT to_regclass(format('%I.%I', r.schema, r.name)) AS relid, r.entity, r.base_tables
      FROM tviews.registry r
     WHERE r.schema IS NOT NULL
)
SELECT p.gid,
       p.owner,
       date_trunc('second', p.prepared) AS prepared,
       date_trunc('second', now() - p.prepared) AS age,
       now() - p.prepared >= (:'min_age')::interval AS stuck,
       (SELECT string_agg(DISTINCT t.entity, ', ')
          FROM held h
          JOIN tv t ON h.relation = t.relid OR h.relation = ANY (t.base_tables::oid[])
         WHERE h.xact = p.transaction AND h.locktype = 'relation' AND h.mode = 'RowExclusiveLock') AS tviews_held,
       (SELECT count(*)
          FROM held h
         WHERE h.xact = p.transaction AND h.locktype = 'advisory' AND h.objsubid IN (21622, 21623)) AS value_locks,
       -- A transaction prepared after pg_tviews_suspend_triggers() rebuilt these TVIEWs: their readers wait.
       (SELECT string_agg(DISTINCT t.relid::regclass::text, ', ')
          FROM held h
          JOIN tv t ON h.relation = t.relid
         WHERE h.xact = p.transaction AND h.locktype = 'relation' AND h.mode = 'AccessExclusiveLock') AS blocks_readers_of,
       -- pg_blocking_pids() names a prepared transaction as pid 0
       (SELECT count(*)
          FROM pg_stat_activity a
         WHERE a.datname = current_database() AND 0 = ANY (pg_blocking_pids(a.pid))) AS waiting_sessions
  FROM pg_prepared_xacts p
 WHERE p.database = current_database()
 ORDER BY p.prepared;

\echo '== Prepared transactions of other databases (finish each from its own database)'
SELECT p.database, count(*) AS prepared_transactions, date_trunc('second', now() - min(p.prepared)) AS oldest
  FROM pg_prepared_xacts p
 WHERE p.database <> current_database()
 GROUP BY p.database
 ORDER BY p.database;

\echo '== Sessions with uncommitted writes to TVIEW source tables (end one with queue/end-writer-session)'
SELECT a.pid,
       a.usename,
       a.application_name,
       a.state,
       date_trunc('second', now() - a.xact_start) AS xact_age,
       now() - a.xact_start >= (:'min_age')::interval AS stuck,
       (SELECT string_agg(DISTINCT r.entity, ', ')
          FROM pg_locks l
          JOIN tviews.registry r ON l.relation = ANY (r.base_tables::oid[])
         WHERE l.pid = a.pid AND l.locktype = 'relation' AND l.mode = 'RowExclusiveLock' AND l.granted) AS tviews_held,
       (SELECT count(*) FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.objsubid IN (21622, 21623)) AS value_locks,
       (SELECT count(*) FROM pg_stat_activity w WHERE a.pid = ANY (pg_blocking_pids(w.pid))) AS waiting_sessions,
       left(a.query, 80) AS last_query
  FROM pg_stat_activity a
 WHERE a.datname = current_database()
   AND a.pid <> pg_backend_pid()
   AND a.backend_type = 'client backend'
   AND a.xact_start IS NOT NULL
   AND EXISTS (SELECT 1
                 FROM pg_locks l
                 JOIN tviews.registry r ON l.relation = ANY (r.base_tables::oid[])
                WHERE l.pid = a.pid AND l.locktype = 'relation' AND l.mode = 'RowExclusiveLock' AND l.granted)
 ORDER BY a.xact_start;

\if :pgtv_finishing
  SELECT count(*) FILTER (WHERE p.database = current_database()) = 1 AS pgtv_gid_here,
         coalesce(max(p.database) FILTER (WHERE p.database <> current_database()), '') AS pgtv_gid_elsewhere
    FROM pg_prepared_xacts p
   WHERE p.gid = :'gid' \gset
  \if :pgtv_gid_here
    \echo '== Finishing this prepared transaction (what it was, for the record)'
    SELECT p.gid, p.owner, date_trunc('second', p.prepared) AS prepared,
           date_trunc('second', now() - p.prepared) AS age, upper(:'action') || ' PREPARED' AS statement
      FROM pg_prepared_xacts p
     WHERE p.gid = :'gid' AND p.database = current_database();
    SELECT format('%s PREPARED %L', upper(:'action'), p.gid)
      FROM pg_prepared_xacts p
     WHERE p.gid = :'gid' AND p.database = current_database() \gexec
    SELECT format('queue-cleanup.sql: prepared transaction %s finished with %s PREPARED', :'gid', upper(:'action')) AS result;
  \else
    SELECT CASE WHEN :'pgtv_gid_elsewhere' <> ''
                THEN format('queue-cleanup.sql: nothing to do here: prepared transaction %s belongs to database %s; run the script there',
                            :'gid', :'pgtv_gid_elsewhere')
                ELSE format('queue-cleanup.sql: nothing to do: no prepared transaction %s (finished already, or a mistyped gid)', :'gid')
           END AS result;
  \endif
\endif

\echo '== Prepared transactions of this database, now'
WITH held AS (
    -- A prepared transaction keeps its locks: they have no pid and share the virtual
    -- transaction of its transactionid lock.
    SELECT xid.transactionid AS xact, l.locktype, l.mode, l.relation, l.objsubid
      FROM pg_locks xid
      JOIN pg_locks l ON l.virtualtransaction = xid.virtualtransaction AND l.pid IS NULL
     WHERE xid.locktype = 'transactionid' AND xid.pid IS NULL
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
),
tv AS (
    SELECT to_regclass(format('%I.%I', r.schema, r.name)) AS relid, r.entity, r.base_tables
      FROM tviews.registry r
     WHERE r.schema IS NOT NULL
)
SELECT p.gid,
       p.owner,
       date_trunc('second', p.prepared) AS prepared,
       date_trunc('second', now() - p.prepared) AS age,
       now() - p.prepared >= (:'min_age')::interval AS stuck,
       (SELECT string_agg(DISTINCT t.entity, ', ')
          FROM held h
          JOIN tv t ON h.relation = t.relid OR h.relation = ANY (t.base_tables::oid[])
         WHERE h.xact = p.transaction AND h.locktype = 'relation' AND h.mode = 'RowExclusiveLock') AS tviews_held,
       (SELECT count(*)
          FROM held h
         WHERE h.xact = p.transaction AND h.locktype = 'advisory' AND h.objsubid IN (21622, 21623)) AS value_locks,
       -- A transaction prepared after pg_tviews_suspend_triggers() rebuilt these TVIEWs: their readers wait.
       (SELECT string_agg(DISTINCT t.relid::regclass::text, ', ')
          FROM held h
          JOIN tv t ON h.relation = t.relid
         WHERE h.xact = p.transaction AND h.locktype = 'relation' AND h.mode = 'AccessExclusiveLock') AS blocks_readers_of,
       -- pg_blocking_pids() names a prepared transaction as pid 0
       (SELECT count(*)
          FROM pg_stat_activity a
         WHERE a.datname = current_database() AND 0 = ANY (pg_blocking_pids(a.pid))) AS waiting_sessions
  FROM pg_prepared_xacts p
 WHERE p.database = current_database()
 ORDER BY p.prepared;
RESET jit;
