-- ---
-- title: Install pgstattuple in this database (for exact bloat figures)
-- description: >-
--   CREATE EXTENSION IF NOT EXISTS pgstattuple: PostgreSQL's contrib module that reads a table
--   or index page by page and reports its live, dead and free space exactly. It ships with
--   PostgreSQL (postgresql-contrib on Debian before PostgreSQL 10, in the server package since);
--   pg_available_extensions says whether this server has it. Nothing runs until you call it.
--   Then shows its version and which roles may use it (superusers and members of
--   pg_stat_scan_tables).
-- safety: writes
-- privileges:
--   - a superuser (pgstattuple is not a trusted extension)
-- expect:
--   columns: [extension, version, callable_by]
--   rows: { min: 1, max: 1 }
-- timeout: 30s
-- ---
\set ON_ERROR_STOP on
CREATE EXTENSION IF NOT EXISTS pgstattuple;

SELECT e.extname AS extension,
       e.extversion AS version,
       'superusers, pg_stat_scan_tables: ' || coalesce((SELECT string_agg(r.rolname, ', ' ORDER BY r.rolname)
                                                          FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
                                                         WHERE m.roleid = 'pg_stat_scan_tables'::regrole), '(no members)') AS callable_by
  FROM pg_extension e
 WHERE e.extname = 'pgstattuple';
