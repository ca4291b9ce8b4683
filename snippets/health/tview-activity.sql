-- ---
-- title: Sessions touching TVIEW tables, views or their source tables
-- description: >-
--   Every other session that holds or waits for a lock on a tv_ table, a backing view or a
--   table a TVIEW reads, with how long its transaction has been open, what it waits for,
--   which sessions block it, and its current statement. A write to a source table also
--   writes the TVIEWs (inside the same transaction), so a long open transaction here holds
--   TVIEW rows locked and keeps its TVIEW changes invisible until it ends. Prepared
--   transactions are listed by queue/prepared-transactions instead.
-- safety: read-only
-- privileges:
--   - pg_read_all_stats (or superuser) to see other roles' statements; without it their query shows as <insufficient privilege>
-- expect:
--   columns: [pid, usename, application_name, state, xact_age, wait, blocked_by, relations, query]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
WITH tview_relation AS (
    SELECT CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END::oid AS relid, r.entity FROM tviews.registry r WHERE r.schema IS NOT NULL
    UNION
    SELECT r.view::oid, r.entity FROM tviews.registry r WHERE r.view IS NOT NULL
    UNION
    SELECT b::oid, r.entity FROM tviews.registry r CROSS JOIN LATERAL unnest(r.base_tables) AS b
),
touching AS (
    SELECT l.pid,
           string_agg(DISTINCT l.relation::regclass::text || ' ' || l.mode || CASE WHEN l.granted THEN '' ELSE ' (WAITING)' END, ', ') AS relations
      FROM pg_locks l
      JOIN tview_relation t ON t.relid = l.relation
     WHERE l.locktype = 'relation'
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.pid IS NOT NULL
       AND l.pid <> pg_backend_pid()
     GROUP BY l.pid
)
SELECT a.pid,
       a.usename,
       a.application_name,
       a.state,
       date_trunc('second', now() - a.xact_start) AS xact_age,
       coalesce(a.wait_event_type || ':' || a.wait_event, '') AS wait,
       pg_blocking_pids(a.pid) AS blocked_by,
       t.relations,
       left(regexp_replace(a.query, '\s+', ' ', 'g'), 200) AS query
  FROM touching t
  JOIN pg_stat_activity a ON a.pid = t.pid
 ORDER BY a.xact_start NULLS LAST;
