-- ---
-- title: Sessions a refresh of one TVIEW would have to wait for
-- description: >-
--   pg_tviews_refresh(entity) rebuilds tv_<entity> and every TVIEW that reads it, and takes an
--   ACCESS EXCLUSIVE lock on each of their tables, which conflicts with every other lock on
--   them, a plain SELECT's included. It also takes pg_tviews' own locks (advisory locks,
--   objsubid 21623) in share mode on the tables those TVIEWs are linked through, which waits
--   for any transaction that inserted, deleted or re-linked rows of those tables and has not
--   ended. This lists every session and prepared transaction holding, or waiting for, such a
--   lock right now, with the age of its transaction. No rows: the refresh gets its locks at
--   once. A row with state "idle in transaction" or a prepared_gid will not go away by itself.
-- safety: read-only
-- privileges:
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
--   - pg_read_all_stats (or superuser) to see the query text of other roles' sessions
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name (post for tv_post); tv_post and public.tv_post are accepted too
--     value: post
-- expect:
--   columns: [pid, prepared_gid, locked, lock_mode, granted, state, transaction_age, wait_event, query]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
-- pg_tviews' set-returning functions are planned at 1,000 rows a call, which makes this
-- catalog query look expensive enough for JIT compilation.
SET jit = off;

WITH rebuilt AS (
    -- The TVIEW and every TVIEW that reads it: the refresh rebuilds and locks them all.
    SELECT DISTINCT r.entity, to_regclass(format('%I.%I', r.schema, r.name)) AS relid, r.base_tables
      FROM tviews.pg_tviews_show_cascade_path(:'entity') p
      JOIN tviews.registry r ON r.entity = p.entity
     WHERE r.schema IS NOT NULL
),
linked AS (
    -- The tables the rebuilt TVIEWs read, and the tables of the TVIEWs they embed: the
    -- refresh takes pg_tviews' share lock on them.
    SELECT DISTINCT source.relid
      FROM rebuilt b
     CROSS JOIN LATERAL unnest(b.base_tables) AS source(relid)
    UNION
    SELECT DISTINCT to_regclass(format('%I.%I', er.schema, er.name))
      FROM tviews.registry er
     CROSS JOIN LATERAL tviews.pg_tviews_show_cascade_path(er.entity) p
      JOIN rebuilt b ON b.entity = p.entity
     WHERE p.depth = 1 AND er.schema IS NOT NULL AND er.entity <> b.entity
),
blocking AS (
    -- Any lock on a rebuilt table conflicts with ACCESS EXCLUSIVE.
    SELECT l.*, l.relation::regclass::text AS locked
      FROM pg_locks l
     WHERE l.locktype = 'relation'
       AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
       AND l.relation IN (SELECT b.relid FROM rebuilt b)
    UNION ALL
    -- pg_tviews' relation locks (classid is the table) in a mode that conflicts with share.
    SELECT l.*, 'pg_tviews lock on ' || l.classid::regclass::text
      FROM pg_locks l
     WHERE l.locktype = 'advisory' AND l.objsubid = 21623
       AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
       AND l.classid IN (SELECT k.relid FROM linked k UNION SELECT b.relid FROM rebuilt b)
       AND l.mode NOT IN ('AccessShareLock', 'RowShareLock', 'ShareLock')
)
SELECT l.pid,
       p.gid AS prepared_gid,
       l.locked,
       l.mode AS lock_mode,
       l.granted,
       coalesce(a.state, CASE WHEN p.gid IS NOT NULL THEN 'prepared' END) AS state,
       date_trunc('second', now() - coalesce(a.xact_start, p.prepared)) AS transaction_age,
       a.wait_event_type || ': ' || a.wait_event AS wait_event,
       left(a.query, 200) AS query
  FROM blocking l
  LEFT JOIN pg_stat_activity a ON a.pid = l.pid
  -- A prepared transaction's locks have no pid; its transactionid lock, with the same
  -- virtualtransaction, names the transaction pg_prepared_xacts knows it by.
  LEFT JOIN pg_locks x
    ON l.pid IS NULL AND x.pid IS NULL AND x.locktype = 'transactionid'
   AND x.virtualtransaction = l.virtualtransaction
  LEFT JOIN pg_prepared_xacts p ON p.transaction = x.transactionid
 WHERE l.pid IS DISTINCT FROM pg_backend_pid()
 ORDER BY l.granted DESC, transaction_age DESC NULLS LAST, l.pid, l.locked;
