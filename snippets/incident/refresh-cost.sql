-- ---
-- title: What refreshing each TVIEW cost since statistics started, from pg_stat_statements
-- description: >-
--   For the review: the time, calls, slowest call, WAL and temporary files of the statements
--   of this database, summed per TVIEW or table and per kind: "refresh", the statements
--   pg_tviews runs in its triggers to recompute and write a TVIEW's rows (listed on their own
--   only with pg_stat_statements.track = all), "source write", the application's writes to a
--   table TVIEWs read (their time includes the refresh they triggered), and "manual refresh",
--   calls of pg_tviews_refresh and rebuilds, with "rebuild" the TRUNCATE and INSERT … SELECT
--   they run. A source write's time includes its refresh, and a manual refresh's its rebuild:
--   compare lines within a kind (share_of_kind_pct), not across kinds. First it prints since when the figures run (their last reset, or the server
--   start) and how many statements were evicted since (then the figures are incomplete).
--   Without pg_stat_statements in this database it says so and lists nothing.
-- safety: read-only
-- privileges:
--   - pg_read_all_stats (or superuser) to see other roles' statements
-- expect:
--   columns: [kind, relation, statements, calls, total_ms, share_of_kind_pct, max_ms, wal_mb, temp_mb]
--   rows: { min: 0 }
--   output: ['== Refresh cost per TVIEW']
-- timeout: 30s
-- ---
\set QUIET on
\pset footer off
SET jit = off;
SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS pgtv_has_pgss \gset
\if :pgtv_has_pgss
\echo '== What the figures cover'
SELECT date_trunc('second', i.stats_reset) AS counting_since,
       i.dealloc AS statements_evicted,
       current_setting('pg_stat_statements.track') AS track,
       CASE WHEN current_setting('pg_stat_statements.track') <> 'all'
            THEN 'track is not all: pg_tviews'' own statements are hidden inside the source writes'
            WHEN i.dealloc > 0 THEN 'statements were evicted: raise pg_stat_statements.max; the figures are a lower bound'
            ELSE 'complete since counting_since' END AS note
  FROM pg_stat_statements_info i;

\echo '== Refresh cost per TVIEW and source table, most expensive first'
WITH tview_name AS (
    SELECT r.entity, r.name AS relname FROM tviews.registry r
    UNION
    SELECT r.entity, v.relname FROM tviews.registry r JOIN pg_class v ON v.oid = r.view
),
source_name AS (
    SELECT DISTINCT b.relname FROM tviews.registry r CROSS JOIN LATERAL unnest(r.base_tables) AS t JOIN pg_class b ON b.oid = t
),
classified AS (
    SELECT s.calls, s.total_exec_time, s.max_exec_time, s.wal_bytes, s.temp_blks_written,
           CASE
               WHEN s.query ~* 'pg_tviews_(refresh|rebuild)' THEN 'manual refresh'
               -- inside a manual refresh: TRUNCATE, then INSERT … SELECT of the whole view (no $n parameter)
               WHEN NOT s.toplevel AND s.query !~ '\$[0-9]'
                    AND s.query ~* '^\s*(truncate|insert\s+into)\M'
                    AND EXISTS (SELECT 1 FROM tview_name n WHERE s.query ~* ('\m' || n.relname || '\M')) THEN 'rebuild'
               -- pg_tviews quotes every column it writes ("pk_comment"); the application's
               -- statements and other nested ones do not
               WHEN NOT s.toplevel AND s.query ~ '"'
                    AND EXISTS (SELECT 1 FROM tview_name n WHERE s.query ~* ('\m' || n.relname || '\M')) THEN 'refresh'
               WHEN s.query ~* '^\s*(with\M.*)?(insert|update|delete|merge|copy)\M'
                    AND EXISTS (SELECT 1 FROM source_name n WHERE s.query ~* ('\m' || n.relname || '\M')) THEN 'source write'
           END AS kind,
           CASE
               WHEN s.query ~* 'pg_tviews_(refresh|rebuild)' THEN substring(s.query FROM '(?i)pg_tviews_(?:refresh|rebuild)\w*')
               -- the TVIEW a refresh statement writes, else the first one it names
               ELSE coalesce((SELECT n.entity FROM tview_name n
                               WHERE s.query ~* ('(insert\s+into|update|delete\s+from)\s+(\S+\.)?"?' || n.relname || '\M')
                               LIMIT 1),
                             (SELECT n.entity FROM tview_name n
                               WHERE s.query ~* ('\m' || n.relname || '\M')
                               ORDER BY strpos(lower(s.query), lower(n.relname)) LIMIT 1),
                             (SELECT n.relname FROM source_name n
                               WHERE s.query ~* ('\m' || n.relname || '\M')
                               ORDER BY strpos(lower(s.query), lower(n.relname)) LIMIT 1))
           END AS relation
      FROM pg_stat_statements s
     WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
)
SELECT c.kind,
       c.relation,
       count(*) AS statements,
       sum(c.calls) AS calls,
       round(sum(c.total_exec_time)::numeric, 1) AS total_ms,
       round((100 * sum(c.total_exec_time) / nullif(sum(sum(c.total_exec_time)) OVER (PARTITION BY c.kind), 0))::numeric, 1) AS share_of_kind_pct,
       round(max(c.max_exec_time)::numeric, 1) AS max_ms,
       round(sum(c.wal_bytes) / 1048576.0, 1) AS wal_mb,
       round(sum(c.temp_blks_written) * current_setting('block_size')::numeric / 1048576, 1) AS temp_mb
  FROM classified c
 WHERE c.kind IS NOT NULL
 GROUP BY c.kind, c.relation
 ORDER BY CASE c.kind WHEN 'refresh' THEN 1 WHEN 'source write' THEN 2 WHEN 'manual refresh' THEN 3 ELSE 4 END,
          sum(c.total_exec_time) DESC;
\else
\echo 'pg_stat_statements is not installed in this database: no statement figures (CREATE EXTENSION pg_stat_statements; it must also be in shared_preload_libraries)'
\echo '== Refresh cost per TVIEW and source table, most expensive first'
SELECT NULL::text AS kind, NULL::text AS relation, NULL::bigint AS statements, NULL::numeric AS calls,
       NULL::numeric AS total_ms, NULL::numeric AS share_of_kind_pct, NULL::numeric AS max_ms, NULL::numeric AS wal_mb,
       NULL::numeric AS temp_mb
 WHERE false;
\endif
RESET jit;
