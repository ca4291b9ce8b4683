-- ---
-- title: Set this database's connection limit
-- description: >-
--   ALTER DATABASE … CONNECTION LIMIT on the database you are connected to: at most that
--   many sessions in it at once (-1: no limit), for every role but superusers. It applies to
--   new sessions only. A role that reaches it gets "too many connections for database"
--   (SQLSTATE 53300). Use it to keep one database from taking every slot of a shared server.
--   Then shows the database with its sessions now.
-- safety: writes
-- privileges:
--   - the database's owner or a superuser
-- params:
--   database_limit:
--     kind: literal
--     description: the most sessions the database may have at once, or -1 for no limit (e.g. 100)
--     value: "-1"
-- expect:
--   columns: [database, connection_limit, connections_now, allow_connections]
--   rows: { min: 1, max: 1 }
-- timeout: 10s
-- ---
\set ON_ERROR_STOP on
SELECT format('ALTER DATABASE %I CONNECTION LIMIT %s', current_database(), (:'database_limit')::int)
\gexec

SELECT d.datname AS database,
       d.datconnlimit AS connection_limit,
       (SELECT count(*) FROM pg_stat_activity a WHERE a.datname = d.datname AND a.backend_type = 'client backend') AS connections_now,
       d.datallowconn AS allow_connections
  FROM pg_database d
 WHERE d.datname = current_database();
