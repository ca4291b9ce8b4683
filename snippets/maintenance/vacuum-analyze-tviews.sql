-- ---
-- title: Vacuum and analyze the TVIEW tables and pg_tviews' own tables
-- description: >-
--   VACUUM (ANALYZE, SKIP_LOCKED) of pg_tviews' catalog tables (registrations, helpers, the
--   audit log) and of the chosen TVIEW tables, one statement per table, then their state as
--   maintenance/vacuum-status shows it. Dead rows become reusable space and the planner gets
--   fresh statistics (reltuples back from -1 after a full refresh). Plain VACUUM neither blocks
--   reads nor writes; SKIP_LOCKED skips, with a WARNING, a table another session holds
--   exclusively (a refresh running), instead of queueing behind it: run it again later for
--   that one. VACUUM cannot run inside a transaction block, and reads each table whole: its
--   time and I/O grow with the tables.
-- safety: writes
-- privileges:
--   - owner of each table (the extension's owner for pg_tviews' tables, the TVIEW's owner for its table) or a superuser; on PostgreSQL 17 and later also MAINTAIN on the table or membership in pg_maintain
--   - other tables are skipped with a WARNING, not an error
-- params:
--   only:
--     kind: literal
--     description: "* for every TVIEW, or a comma-separated list of entity names (e.g. post,comment)"
--     value: "*"
-- expect:
--   columns: [kind, table_name, live_rows, dead_rows, planner_rows, last_vacuum, last_analyze]
--   rows: { min: 4 }
-- timeout: 60min
-- ---
\set ON_ERROR_STOP on
-- pg_tviews' own tables: small, but written by every TVIEW creation, drop, re-registration and
-- (with pg_tviews.audit_enabled) audit entry.
VACUUM (ANALYZE, SKIP_LOCKED) tviews.pg_tview_meta, tviews.pg_tview_helpers, tviews.pg_tview_valid, tviews.pg_tview_audit_log;

-- One VACUUM per TVIEW table; \gexec runs each line below as its own statement.
SELECT format('VACUUM (ANALYZE, SKIP_LOCKED) %I.%I', r.schema, r.name)
  FROM tviews.registry r
 WHERE r.schema IS NOT NULL
   AND (:'only' = '*' OR r.entity = ANY (string_to_array(replace(:'only', ' ', ''), ',')))
 ORDER BY r.entity
\gexec

SELECT CASE WHEN c.relnamespace = 'tviews'::regnamespace THEN 'pg_tviews catalog' ELSE 'tview' END AS kind,
       s.relid::regclass::text AS table_name,
       s.n_live_tup AS live_rows,
       s.n_dead_tup AS dead_rows,
       c.reltuples::bigint AS planner_rows,
       date_trunc('second', greatest(s.last_vacuum, s.last_autovacuum)) AS last_vacuum,
       date_trunc('second', greatest(s.last_analyze, s.last_autoanalyze)) AS last_analyze
  FROM pg_stat_all_tables s
  JOIN pg_class c ON c.oid = s.relid
 WHERE s.relid IN ('tviews.pg_tview_meta'::regclass, 'tviews.pg_tview_helpers'::regclass,
                   'tviews.pg_tview_valid'::regclass, 'tviews.pg_tview_audit_log'::regclass)
    OR s.relid IN (SELECT to_regclass(format('%I.%I', r.schema, r.name))
                     FROM tviews.registry r
                    WHERE r.schema IS NOT NULL
                      AND (:'only' = '*' OR r.entity = ANY (string_to_array(replace(:'only', ' ', ''), ','))))
 ORDER BY 1 DESC, 2;
