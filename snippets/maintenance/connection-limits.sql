-- ---
-- title: Per-database and per-role connection limits, and who may use the reserved slots
-- description: >-
--   One row per database and per role that can log in: its CONNECTION LIMIT (-1: none), the
--   sessions it has now, and what happens at the limit. Superusers are exempt from both
--   limits; a database with allow_connections false accepts nobody; roles granted
--   pg_use_reserved_connections may use the reserved_connections slots. Rows at or over their
--   limit come first. Reads the catalog and pg_stat_activity: milliseconds.
-- safety: read-only
-- privileges:
--   - any role that can connect (pg_database, pg_roles and pg_stat_activity are readable by all)
-- expect:
--   columns: [scope, name, connection_limit, connections_now, note]
--   rows: { min: 2 }
-- timeout: 10s
-- ---
WITH sessions AS (
    SELECT a.datname, a.usename FROM pg_stat_activity a WHERE a.backend_type = 'client backend'
),
reserved_users AS (
    SELECT r.rolname
      FROM pg_roles r
     WHERE pg_has_role(r.oid, 'pg_use_reserved_connections', 'USAGE') AND r.rolname <> 'pg_use_reserved_connections'
),
rows AS (
    SELECT 'database' AS scope, d.datname::text AS name, d.datconnlimit AS connection_limit,
           (SELECT count(*) FROM sessions s WHERE s.datname = d.datname) AS connections_now,
           concat_ws('; ',
               CASE WHEN NOT d.datallowconn THEN 'allow_connections is false: nobody can connect' END,
               CASE WHEN d.datconnlimit >= 0 THEN 'non-superusers beyond the limit get "too many connections for database"' END) AS note
      FROM pg_database d
     WHERE NOT d.datistemplate
    UNION ALL
    SELECT 'role', r.rolname::text, r.rolconnlimit,
           (SELECT count(*) FROM sessions s WHERE s.usename = r.rolname),
           concat_ws('; ',
               CASE WHEN r.rolsuper THEN 'superuser: exempt from limits, may use the superuser_reserved_connections slots' END,
               CASE WHEN r.rolname IN (SELECT u.rolname FROM reserved_users u) AND NOT r.rolsuper THEN 'may use the reserved_connections slots (pg_use_reserved_connections)' END,
               CASE WHEN r.rolconnlimit >= 0 AND NOT r.rolsuper THEN 'beyond the limit: "too many connections for role"' END)
      FROM pg_roles r
     WHERE r.rolcanlogin
)
SELECT scope, name, connection_limit, connections_now, note
  FROM rows
 ORDER BY (connection_limit >= 0 AND connections_now >= connection_limit) DESC, scope, connections_now DESC, name;
