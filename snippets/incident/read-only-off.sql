-- ---
-- title: Let this database write again
-- description: >-
--   Removes the database-level default_transaction_read_only that incident/read-only-on set
--   (ALTER DATABASE … RESET), after making this session read-write (a session that connected
--   while the database was read-only cannot even run the ALTER otherwise). Sessions that
--   connect from now on can write; those that connected while it was read-only stay
--   read-only until they reconnect: the last result counts them, and switched_at is the
--   time to give incident/end-sessions-before. Not read-only: nothing is changed.
-- safety: writes
-- privileges:
--   - owner of the database, or a superuser
-- expect:
--   columns: [database, read_only_for_new_sessions, switched_at, sessions_connected_before]
--   rows: { min: 1, max: 1 }
--   output: ['\bf\b']
-- timeout: 30s
-- ---
\set QUIET on
\pset footer off
-- This session may have started read-only: the ALTER below is a write.
SET default_transaction_read_only = off;
SET transaction_read_only = off;
SELECT EXISTS (SELECT 1
                 FROM pg_db_role_setting s
                 JOIN pg_database d ON d.oid = s.setdatabase
                WHERE d.datname = current_database() AND s.setrole = 0
                  AND s.setconfig && ARRAY['default_transaction_read_only=on', 'default_transaction_read_only=true']) AS pgtv_read_only \gset
\if :pgtv_read_only
  SELECT format('ALTER DATABASE %I RESET default_transaction_read_only', current_database()) \gexec
  \echo 'new sessions of this database can write again'
\else
  \echo 'this database was not read-only for new sessions: nothing changed'
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
