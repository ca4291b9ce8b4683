-- ---
-- title: Open transactions that wrote to TVIEW source tables (the queue as seen from outside)
-- description: >-
--   pg_tviews queues refreshes in the memory of the session that writes and applies them
--   at the end of each statement, inside that session's transaction: no other session can
--   read the queue. What another session can see is the result: transactions still open
--   after writing to a table a TVIEW reads, holding the TVIEW rows they changed, which
--   nobody else sees until they commit. This lists them, oldest first, with the TVIEWs they
--   have written. An "idle in transaction" row here is a client that stopped half-way.
-- safety: read-only
-- privileges:
--   - pg_read_all_stats (or superuser) to see other roles' statements
-- expect:
--   columns: [pid, usename, application_name, state, xact_age, idle_for, source_tables_written, tviews_written, query]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
WITH source_table AS (
    SELECT DISTINCT b::oid AS relid FROM tviews.registry r CROSS JOIN LATERAL unnest(r.base_tables) AS b
),
tview_table AS (
    SELECT CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END::oid AS relid, r.name FROM tviews.registry r WHERE r.schema IS NOT NULL
),
writer AS (
    SELECT l.pid,
           string_agg(DISTINCT l.relation::regclass::text, ', ') FILTER (WHERE l.relation IN (SELECT relid FROM source_table)) AS source_tables_written,
           string_agg(DISTINCT tt.name, ', ') AS tviews_written
      FROM pg_locks l
      LEFT JOIN tview_table tt ON tt.relid = l.relation
     WHERE l.locktype = 'relation'
       AND l.mode = 'RowExclusiveLock'
       AND l.granted
       AND l.pid IS NOT NULL
       AND l.pid <> pg_backend_pid()
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     GROUP BY l.pid
)
SELECT a.pid,
       a.usename,
       a.application_name,
       a.state,
       date_trunc('second', now() - a.xact_start) AS xact_age,
       CASE WHEN a.state LIKE 'idle in transaction%' THEN date_trunc('second', now() - a.state_change) END AS idle_for,
       w.source_tables_written,
       w.tviews_written,
       left(regexp_replace(a.query, '\s+', ' ', 'g'), 200) AS query
  FROM writer w
  JOIN pg_stat_activity a ON a.pid = w.pid
 WHERE w.source_tables_written IS NOT NULL
 ORDER BY a.xact_start;
