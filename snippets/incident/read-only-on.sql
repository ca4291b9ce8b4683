-- ---
-- title: Make this database read-only for new sessions
-- description: >-
--   ALTER DATABASE … SET default_transaction_read_only = on for the database you are connected
--   to: every session that connects from now on starts its transactions read-only, so its
--   writes to tb_ tables (and any refresh) fail with SQLSTATE 25006 and no TVIEW changes.
--   Reads, TVIEWs included, go on. Sessions already connected keep writing until they
--   reconnect: the last result counts them, and switched_at is the time to give
--   incident/end-sessions-before to end them. Already read-only: nothing is changed. It is a
--   default, not a lock: a session may still SET default_transaction_read_only = off or BEGIN
--   READ WRITE.
-- safety: writes
-- privileges:
--   - owner of the database, or a superuser
-- expect:
--   columns: [database, read_only_for_new_sessions, switched_at, sessions_connected_before]
--   rows: { min: 1, max: 1 }
--   output: ['\bt\b']
-- timeout: 30s
-- ---
\set QUIET on
\pset footer off
SELECT EXISTS (SELECT 1
                 FROM pg_db_role_setting s
                 JOIN pg_database d ON d.oid = s.setdatabase
                WHERE d.datname = current_database() AND s.setrole = 0
                  AND s.setconfig && ARRAY['default_transaction_read_only=on', 'default_transaction_read_only=true']) AS pgtv_already_read_only \gset
\if :pgtv_already_read_only
  \echo 'already read-only for new sessions: nothing changed'
\else
  SELECT format('ALTER DATABASE %I SET default_transaction_read_only = on', current_database()) \gexec
  \echo 'new sessions of this database are read-only from now on'
\endif

SELECT current_database() AS database,
       EXISTS (SELECT 1
                 FROM pg_db_role_setting s
                 JOIN pg_database d ON d.oid = s.setdatabase
                WHERE d.datname = current_database() AND s.setrole = 0
                  AND s.setconfig && ARRAY['default_transaction_read_only=on', 'default_transaction_read_only=true']) AS read_only_for_new_sessions,
       date_trunc('second', statement_timestamp()) + interval '1 second' AS switched_at,
       (SELECT count(*)
          FROM pg_stat_activity a
         WHERE a.datname = current_database()
           AND a.backend_type = 'client backend'
           AND a.pid <> pg_backend_pid()) AS sessions_connected_before;
