-- ---
-- title: Connection slots in use and left, for ordinary roles and for reserved ones
-- description: >-
--   One row for the whole server: max_connections, the slots kept back for superusers
--   (superuser_reserved_connections) and for roles granted pg_use_reserved_connections
--   (reserved_connections, PostgreSQL 16 and later), the client sessions holding a slot now,
--   and how many each kind of role can still open. Background workers (pg_tviews' rebuild
--   worker among them), autovacuum and WAL senders have slots of their own and are not
--   counted. status: OK, WARNING from 80 % of the ordinary slots, FULL when ordinary roles are
--   refused. Reads pg_stat_activity only: milliseconds.
-- safety: read-only
-- privileges:
--   - any role that can connect (every session is counted; pg_read_all_stats is needed only to see their details elsewhere)
-- expect:
--   columns: [max_connections, superuser_reserved, reserved_for_role, in_use, free_for_ordinary_roles, free_for_reserved_roles, free_for_superusers, pct_of_ordinary_used, status]
--   rows: { min: 1, max: 1 }
-- timeout: 10s
-- ---
WITH slots AS (
    SELECT current_setting('max_connections')::int AS max_connections,
           current_setting('superuser_reserved_connections')::int AS superuser_reserved,
           current_setting('reserved_connections')::int AS reserved_for_role,
           (SELECT count(*) FROM pg_stat_activity a WHERE a.backend_type = 'client backend')::int AS in_use
)
SELECT s.max_connections,
       s.superuser_reserved,
       s.reserved_for_role,
       s.in_use,
       greatest(s.max_connections - s.superuser_reserved - s.reserved_for_role - s.in_use, 0) AS free_for_ordinary_roles,
       greatest(s.max_connections - s.superuser_reserved - s.in_use, 0) AS free_for_reserved_roles,
       greatest(s.max_connections - s.in_use, 0) AS free_for_superusers,
       round(100.0 * s.in_use / nullif(s.max_connections - s.superuser_reserved - s.reserved_for_role, 0), 1) AS pct_of_ordinary_used,
       CASE WHEN s.in_use >= s.max_connections - s.superuser_reserved - s.reserved_for_role THEN 'FULL: ordinary roles are refused'
            WHEN s.in_use >= 0.8 * (s.max_connections - s.superuser_reserved - s.reserved_for_role) THEN 'WARNING: over 80 % of the ordinary slots in use'
            ELSE 'OK' END AS status
  FROM slots s;
