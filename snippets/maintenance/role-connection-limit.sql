-- ---
-- title: Set a role's connection limit
-- description: >-
--   ALTER ROLE … CONNECTION LIMIT: at most that many sessions of the role at once (-1: no
--   limit). It applies to new sessions only; sessions over the limit that are already open
--   stay. A role that reaches it gets "too many connections for role" (SQLSTATE 53300).
--   Superusers are exempt. Use it to keep one application (a pool that grows without bound,
--   a batch job) from taking every slot. Then shows the role with its sessions now.
-- safety: writes
-- privileges:
--   - a superuser, or a role with CREATEROLE and ADMIN OPTION on the role (PostgreSQL 16 and later)
-- params:
--   limited_role:
--     kind: literal
--     description: the role to limit (e.g. app)
--     value: postgres
--   role_limit:
--     kind: literal
--     description: the most sessions it may have at once, or -1 for no limit (e.g. 40)
--     value: "-1"
-- expect:
--   columns: [role, connection_limit, connections_now, superuser]
--   rows: { min: 1, max: 1 }
-- timeout: 10s
-- ---
\set ON_ERROR_STOP on
SELECT format('ALTER ROLE %I CONNECTION LIMIT %s', :'limited_role', (:'role_limit')::int)
\gexec

SELECT r.rolname AS role,
       r.rolconnlimit AS connection_limit,
       (SELECT count(*) FROM pg_stat_activity a WHERE a.usename = r.rolname AND a.backend_type = 'client backend') AS connections_now,
       r.rolsuper AS superuser
  FROM pg_roles r
 WHERE r.rolname = :'limited_role';
