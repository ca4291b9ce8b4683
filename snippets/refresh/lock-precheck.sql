-- ---
-- title: Sessions a refresh of one TVIEW would have to wait for
-- description: >-
--   pg_tviews_refresh needs an ACCESS EXCLUSIVE lock on tv_<entity>, which conflicts with every
--   other lock on it, a plain SELECT's included. This lists every session and every prepared
--   transaction that holds, or is waiting for, a lock on that table right now, with the age of
--   its transaction. No rows: the refresh gets its lock at once. A row with state "idle in
--   transaction" or a prepared_gid will not go away by itself.
-- safety: read-only
-- privileges:
--   - any role; pg_read_all_stats (or superuser) to see the query text of other roles' sessions
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name, without the tv_ prefix (e.g. post for tv_post)
--     value: post
-- expect:
--   columns: [pid, prepared_gid, lock_mode, granted, state, transaction_age, wait_event, query]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
SELECT l.pid,
       p.gid AS prepared_gid,
       l.mode AS lock_mode,
       l.granted,
       coalesce(a.state, CASE WHEN p.gid IS NOT NULL THEN 'prepared' END) AS state,
       date_trunc('second', now() - coalesce(a.xact_start, p.prepared)) AS transaction_age,
       a.wait_event_type || ': ' || a.wait_event AS wait_event,
       left(a.query, 200) AS query
  FROM tviews.registry r
  JOIN pg_locks l
    ON l.locktype = 'relation'
   AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
   AND l.relation = CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END
  LEFT JOIN pg_stat_activity a ON a.pid = l.pid
  -- A prepared transaction's locks have no pid; its transactionid lock, with the same
  -- virtualtransaction, names the transaction pg_prepared_xacts knows it by.
  LEFT JOIN pg_locks x
    ON l.pid IS NULL AND x.pid IS NULL AND x.locktype = 'transactionid'
   AND x.virtualtransaction = l.virtualtransaction
  LEFT JOIN pg_prepared_xacts p ON p.transaction = x.transactionid
 WHERE r.entity = :'entity'
   AND l.pid IS DISTINCT FROM pg_backend_pid()
 ORDER BY l.granted DESC, transaction_age DESC NULLS LAST;
