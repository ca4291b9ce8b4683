-- ---
-- title: What TVIEW refreshes cost, from pg_stat_statements
-- description: >-
--   The statements of this database that touch a TVIEW or its sources, most expensive
--   first. With pg_stat_statements.track = all, the statements pg_tviews runs inside the
--   triggers appear on their own (kind "refresh": they read the backing views
--   tviews.<schema>__<table> and the tv_ tables and write the tv_ tables), so their share of
--   the time is the refresh cost; with track = top only the application's writes appear (kind
--   "source write"), with the refresh time included in theirs. Manual rebuilds appear as kind
--   "manual refresh". blocks_per_call is what one call reads from shared buffers or disk.
--   Figures are cumulative since the last reset (perf/reset-statement-stats). Needs the
--   pg_stat_statements extension in this database; works with its PostgreSQL 16 and 17+
--   column names alike.
-- safety: read-only
-- privileges:
--   - pg_read_all_stats (or superuser) to see other roles' statements
-- expect:
--   columns: [kind, calls, total_ms, mean_ms, max_ms, rows_per_call, blocks_per_call, shared_read, shared_hit, read_ms, temp_written, query]
--   rows: { min: 0, max: 25 }
-- timeout: 10s
-- ---
WITH names AS (
    SELECT r.name AS relname, 'tview' AS role FROM tviews.registry r
    UNION
    SELECT v.relname, 'tview' FROM tviews.registry r JOIN pg_class v ON v.oid = r.view
    UNION
    SELECT b.relname, 'source' FROM tviews.registry r CROSS JOIN LATERAL unnest(r.base_tables) AS t JOIN pg_class b ON b.oid = t
),
classified AS (
    SELECT s.*,
           -- blk_read_time became shared_blk_read_time in PostgreSQL 17.
           coalesce(to_jsonb(s) ->> 'shared_blk_read_time', to_jsonb(s) ->> 'blk_read_time')::numeric AS read_time,
           CASE
               WHEN s.query ~* 'pg_tviews_(refresh|rebuild)' THEN 'manual refresh'
               -- pg_tviews' own work, run from its triggers: it quotes every column name it
               -- writes ("pk_comment"), which the application's statements and other nested
               -- ones (query_to_xml checks, DDL) do not.
               WHEN NOT s.toplevel
                    AND s.query ~ '"'
                    AND EXISTS (SELECT 1 FROM names n WHERE n.role = 'tview' AND s.query ~* ('\m' || n.relname || '\M'))
                    THEN 'refresh'
               WHEN EXISTS (SELECT 1 FROM names n WHERE n.role = 'source' AND s.query ~* ('\m' || n.relname || '\M'))
                    AND s.query ~* '^\s*(with\M.*)?(insert|update|delete|merge|copy)\M' THEN 'source write'
               WHEN EXISTS (SELECT 1 FROM names n WHERE s.query ~* ('\m' || n.relname || '\M')) THEN 'read'
           END AS kind
      FROM pg_stat_statements s
     WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
)
SELECT c.kind,
       c.calls,
       round(c.total_exec_time::numeric, 1) AS total_ms,
       round(c.mean_exec_time::numeric, 2) AS mean_ms,
       round(c.max_exec_time::numeric, 2) AS max_ms,
       round(c.rows::numeric / greatest(c.calls, 1), 1) AS rows_per_call,
       round((c.shared_blks_read + c.shared_blks_hit)::numeric / greatest(c.calls, 1), 1) AS blocks_per_call,
       c.shared_blks_read AS shared_read,
       c.shared_blks_hit AS shared_hit,
       round(c.read_time, 1) AS read_ms,
       c.temp_blks_written AS temp_written,
       left(regexp_replace(c.query, '\s+', ' ', 'g'), 160) AS query
  FROM classified c
 WHERE c.kind IS NOT NULL AND c.kind <> 'read'
 ORDER BY c.total_exec_time DESC
 LIMIT 25;
