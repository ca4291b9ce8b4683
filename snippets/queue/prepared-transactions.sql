-- ---
-- title: Prepared transactions, their age, owner and the tables they wrote
-- description: >-
--   Lists every prepared (two-phase) transaction in this cluster, oldest first, with its
--   age, owner and database, and the tables it wrote to (it still holds their row-exclusive
--   locks). A prepared transaction that wrote to a tb_ table carries the TVIEW changes
--   pg_tviews made for it: they become visible at COMMIT PREPARED and vanish at ROLLBACK
--   PREPARED. Tables are named for transactions of the current database only.
-- safety: read-only
-- privileges:
--   - any role (pg_prepared_xacts and pg_locks are readable by all)
-- expect:
--   columns: [gid, owner, database, prepared, age, tables_written]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
SELECT p.gid,
       p.owner,
       p.database,
       p.prepared,
       date_trunc('second', now() - p.prepared) AS age,
       (SELECT string_agg(DISTINCT c.oid::regclass::text, ', ')
          FROM pg_locks xid
          JOIN pg_locks l ON l.virtualtransaction = xid.virtualtransaction AND l.pid IS NULL
          JOIN pg_class c ON c.oid = l.relation AND c.relkind IN ('r', 'p')
         WHERE xid.locktype = 'transactionid' AND xid.transactionid = p.transaction AND xid.pid IS NULL
           AND l.locktype = 'relation' AND l.mode = 'RowExclusiveLock'
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS tables_written
  FROM pg_prepared_xacts p
 ORDER BY p.prepared;
