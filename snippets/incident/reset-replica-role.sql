-- ---
-- title: Remove session_replication_role = replica set for a role or this database
-- description: >-
--   Finds every ALTER ROLE … SET or ALTER DATABASE … SET that gives sessions of this
--   database session_replication_role = replica (for a role in every database, for a role in
--   this database, or for this database), removes each with the matching RESET, and lists
--   them with the statement run, the statement that would set it again, and whether it is
--   still set. Sessions connecting afterwards write with pg_tviews' triggers and foreign keys
--   again; sessions already connected keep replica until they reconnect (reset_at is the time
--   to give incident/end-sessions-before). Writes made meanwhile stay unmaintained: refresh
--   the TVIEWs afterwards. With no such setting it changes nothing.
-- safety: writes
-- privileges:
--   - superuser (session_replication_role is a superuser's setting)
-- expect:
--   columns: [set_for, statement, statement_to_restore, still_set, reset_at]
--   rows: { min: 0 }
-- timeout: 30s
-- ---
\set QUIET on
\pset footer off
SELECT coalesce(jsonb_agg(jsonb_build_object(
           'set_for', CASE WHEN s.setrole = 0 THEN 'database ' || d.datname
                           WHEN s.setdatabase = 0 THEN 'role ' || r.rolname
                           ELSE 'role ' || r.rolname || ' in database ' || d.datname END,
           'statement', CASE WHEN s.setrole = 0 THEN format('ALTER DATABASE %I RESET session_replication_role', d.datname)
                             WHEN s.setdatabase = 0 THEN format('ALTER ROLE %I RESET session_replication_role', r.rolname)
                             ELSE format('ALTER ROLE %I IN DATABASE %I RESET session_replication_role', r.rolname, d.datname) END,
           'restore', CASE WHEN s.setrole = 0 THEN format('ALTER DATABASE %I SET session_replication_role = replica', d.datname)
                           WHEN s.setdatabase = 0 THEN format('ALTER ROLE %I SET session_replication_role = replica', r.rolname)
                           ELSE format('ALTER ROLE %I IN DATABASE %I SET session_replication_role = replica', r.rolname, d.datname) END,
           'role', s.setrole, 'database', s.setdatabase)), '[]') AS pgtv_replica_settings
  FROM pg_db_role_setting s
  LEFT JOIN pg_database d ON d.oid = s.setdatabase
  LEFT JOIN pg_roles r ON r.oid = s.setrole
 WHERE (s.setdatabase = 0 OR d.datname = current_database())
   AND 'session_replication_role=replica' = ANY (s.setconfig) \gset

-- Each RESET as a statement of its own.
SELECT e ->> 'statement'
  FROM jsonb_array_elements(:'pgtv_replica_settings'::jsonb) e \gexec

\echo '== session_replication_role = replica settings found, and their RESET'
SELECT e ->> 'set_for' AS set_for,
       e ->> 'statement' AS statement,
       e ->> 'restore' AS statement_to_restore,
       EXISTS (SELECT 1 FROM pg_db_role_setting s
                WHERE s.setrole = (e ->> 'role')::oid AND s.setdatabase = (e ->> 'database')::oid
                  AND 'session_replication_role=replica' = ANY (s.setconfig)) AS still_set,
       date_trunc('second', statement_timestamp()) + interval '1 second' AS reset_at
  FROM jsonb_array_elements(:'pgtv_replica_settings'::jsonb) e
 ORDER BY 1;
