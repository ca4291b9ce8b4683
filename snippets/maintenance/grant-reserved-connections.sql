-- ---
-- title: Let a role use the reserved connection slots
-- description: >-
--   Grants pg_use_reserved_connections (PostgreSQL 16 and later) to a role, so that it can
--   still connect when the ordinary slots are all taken, in the reserved_connections slots
--   (which only a restart changes: see the runbook). Give it to the operations or monitoring
--   role that must get in during an incident, not to applications. Then shows the setting and
--   every role that may use the slots.
-- safety: writes
-- privileges:
--   - a superuser, or a role with ADMIN OPTION on pg_use_reserved_connections
-- params:
--   ops_role:
--     kind: identifier
--     description: the role that must be able to get in when the server is full (e.g. ops)
--     value: postgres
-- expect:
--   columns: [reserved_connections, may_use_them]
--   rows: { min: 1, max: 1 }
-- timeout: 10s
-- ---
\set ON_ERROR_STOP on
GRANT pg_use_reserved_connections TO :"ops_role";

SELECT current_setting('reserved_connections')::int AS reserved_connections,
       (SELECT string_agg(r.rolname, ', ' ORDER BY r.rolname)
          FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
         WHERE m.roleid = 'pg_use_reserved_connections'::regrole) AS may_use_them;
