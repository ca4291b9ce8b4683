-- ---
-- title: Prepared transactions, their age, owner and the tables they wrote
-- description: >-
--   Lists every prepared (two-phase) transaction in this cluster, oldest first, with its
--   age, owner and database, and the tables it wrote to (it still holds their row-exclusive
--   locks). A prepared transaction that wrote to a tb_ table carries the TVIEW changes
--   pg_tviews made for it: they become visible at COMMIT PREPARED and vanish at ROLLBACK
--   PREPARED. It also holds pg_tviews' value locks (advisory locks, pg_locks.objsubid 21622
--   or 21623) on what those rows read: until it ends, other writes that reach the same TVIEW
--   rows wait for it, and so do refreshes of those TVIEWs. Tables, TVIEWs and value locks
--   are shown for transactions of the current database only: run it in each database the
--   database column names.
-- safety: read-only
-- privileges:
--   - any role (pg_prepared_xacts, pg_locks and tviews.registry are readable by all)
-- expect:
--   columns: [gid, owner, database, prepared, age, tables_written, tviews_affected, value_locks]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
WITH held AS (
    -- A prepared transaction keeps its locks; they have no pid, and share the virtual
    -- transaction of its transactionid lock.
    SELECT xid.transactionid AS transaction, l.locktype, l.mode, l.relation, l.objsubid
      FROM pg_locks xid
      JOIN pg_locks l ON l.virtualtransaction = xid.virtualtransaction AND l.pid IS NULL
     WHERE xid.locktype = 'transactionid' AND xid.pid IS NULL
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
),
written AS (
    SELECT h.transaction, h.relation
      FROM held h
     WHERE h.locktype = 'relation' AND h.mode = 'RowExclusiveLock'
)
SELECT p.gid,
       p.owner,
       p.database,
       p.prepared,
       date_trunc('second', now() - p.prepared) AS age,
       (SELECT string_agg(DISTINCT c.oid::regclass::text, ', ')
          FROM written w
          JOIN pg_class c ON c.oid = w.relation AND c.relkind IN ('r', 'p')
         WHERE w.transaction = p.transaction) AS tables_written,
       (SELECT string_agg(DISTINCT r.name, ', ')
          FROM written w
          JOIN tviews.registry r ON w.relation = ANY (r.base_tables::oid[])
         WHERE w.transaction = p.transaction) AS tviews_affected,
       (SELECT count(*)
          FROM held h
         WHERE h.transaction = p.transaction
           AND h.locktype = 'advisory' AND h.objsubid IN (21622, 21623)) AS value_locks
  FROM pg_prepared_xacts p
 ORDER BY p.prepared;
