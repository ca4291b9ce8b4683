-- ---
-- title: health-check.sql, the whole quick health check in one psql run
-- description: >-
--   Everything the quick check of the TVIEW health check runbook looks at, section by
--   section: where you are connected, the extension, pg_tviews' own health check (problems
--   only), the status of every TVIEW from the catalog, a sampled drift check (1000 rows per
--   TVIEW), pg_tviews triggers with problems, prepared transactions, transactions holding
--   TVIEW writes, and sizes. Read-only and well under a second on TVIEWs of a million rows.
--   Save it and run it with psql -X -f health-check.sql; an empty section means nothing wrong.
-- safety: read-only
-- privileges:
--   - SELECT on every tv_ table, v_ view and tb_ table (their owner, or pg_read_all_data)
--   - pg_read_all_stats to see other roles' statements
-- expect:
--   output: ['== TVIEW status', '== Sampled drift', '== Prepared transactions']
--   columns: [entity, tview, persistence, total_size, total_bytes]
-- timeout: 60s
-- ---
\set ON_ERROR_STOP on
\pset footer off

\echo '== Connection'
SELECT current_database() AS database, current_user AS role, now() AS checked_at,
       current_setting('server_version') AS postgres;

\echo '== Extension (installed and library versions must be equal; preloaded must be true)'
SELECT e.extversion AS installed_version,
       tviews.pg_tviews_version() AS library_version,
       'pg_tviews' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) AS preloaded,
       (SELECT count(*) FROM tviews.registry) AS registered_tviews
  FROM pg_extension e
 WHERE e.extname = 'pg_tviews';

\echo '== pg_tviews health check: problems only (jsonb_delta WARNING is expected without that extension)'
SELECT h.status, h.component, h.message
  FROM tviews.pg_tviews_health_check() h
 WHERE h.status <> 'OK'
 ORDER BY h.status, h.component;

\echo '== TVIEW status (OK, MISSING_TABLE, MISSING_VIEW, NO_TRIGGERS, MISSING_TRIGGERS, TRIGGERS_DISABLED, EMPTY, NEEDS_REREGISTER)'
WITH tview AS (
    SELECT r.entity, r.name AS tview, r.schema, r.view, r.needs_reregister
      FROM tviews.registry r
),
expected AS (
    SELECT DISTINCT rd.entity, rd.relid
      FROM tviews.pg_tview_reads rd
      JOIN pg_class c ON c.oid = rd.relid AND c.relkind IN ('r', 'p')
     WHERE rd.relid NOT IN (SELECT m.table_oid::oid FROM tviews.pg_tview_meta m)
),
ours AS (
    SELECT tg.tgrelid, tg.tgenabled,
           convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) AS entity
      FROM pg_trigger tg
      JOIN pg_proc p ON p.oid = tg.tgfoid
     WHERE p.pronamespace = 'tviews'::regnamespace
       AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger')
       AND tg.tgparentid = 0 AND tg.tgnargs = 1
),
state AS (
    SELECT t.*,
           (SELECT count(*) FROM ours o WHERE o.entity = t.entity) AS triggers,
           (SELECT count(*) FROM ours o WHERE o.entity = t.entity AND o.tgenabled = 'D') AS disabled,
           (SELECT count(*) FROM expected e WHERE e.entity = t.entity
               AND (SELECT count(*) FROM ours o WHERE o.entity = e.entity AND o.tgrelid = e.relid) < 2) AS incomplete,
           CASE WHEN t.schema IS NOT NULL AND t.view IS NOT NULL THEN
               (xpath('/row/e/text()', query_to_xml(format(
                   'SELECT NOT EXISTS (SELECT 1 FROM %I.%I) AND EXISTS (SELECT 1 FROM %s) AS e',
                   t.schema, t.tview, t.view), false, true, '')))[1]::text::boolean
           END AS empty
      FROM tview t
)
SELECT s.entity, s.tview,
       CASE
           WHEN s.schema IS NULL THEN 'MISSING_TABLE'
           WHEN s.view IS NULL THEN 'MISSING_VIEW'
           WHEN s.triggers = 0 THEN 'NO_TRIGGERS'
           WHEN s.incomplete > 0 THEN 'MISSING_TRIGGERS'
           WHEN s.disabled > 0 THEN 'TRIGGERS_DISABLED'
           WHEN s.empty THEN 'EMPTY'
           WHEN s.needs_reregister THEN 'NEEDS_REREGISTER'
           ELSE 'OK'
       END AS status,
       s.triggers, s.disabled AS disabled_triggers
  FROM state s
 ORDER BY s.entity;

\echo '== Sampled drift: up to 1000 rows per TVIEW compared with its view (DRIFTED: refresh it)'
WITH tview AS (
    SELECT r.entity, r.name AS tview, r.schema, r.view, 'pk_' || r.entity AS key,
           least(100, 100.0 * 1000 / greatest(c.reltuples, 1))::float8 AS pct,
           (SELECT string_agg(format('t.%1$I IS NOT DISTINCT FROM v.%1$I', a.attname), ' AND ' ORDER BY a.attnum)
              FROM pg_attribute a WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped) AS same_row
      FROM tviews.registry r
      JOIN pg_class c ON c.oid = CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END
     WHERE r.view IS NOT NULL
       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = r.view AND a.attname = 'pk_' || r.entity)
),
sampled AS (
    SELECT t.entity, t.tview, query_to_xml(format(
               'SELECT count(*) AS sampled, count(*) FILTER (WHERE NOT v.found OR NOT v.same) AS bad'
               ' FROM (SELECT * FROM %1$I.%2$I TABLESAMPLE SYSTEM (%3$s) LIMIT 1000) t'
               ' CROSS JOIN LATERAL (SELECT count(v.*) > 0 AS found, coalesce(bool_and(%4$s), false) AS same'
               '   FROM %5$s v WHERE v.%6$I = t.%6$I) v',
               t.schema, t.tview, t.pct, t.same_row, t.view, t.key), false, true, '') AS x
      FROM tview t
)
SELECT s.entity, s.tview,
       CASE WHEN (xpath('/row/bad/text()', s.x))[1]::text::bigint > 0 THEN 'DRIFTED' ELSE 'OK' END AS status,
       (xpath('/row/sampled/text()', s.x))[1]::text::bigint AS sampled_rows,
       (xpath('/row/bad/text()', s.x))[1]::text::bigint AS differing_or_extra_rows
  FROM sampled s
 ORDER BY s.entity;

\echo '== pg_tviews triggers with problems (orphaned = its TVIEW is no longer registered)'
WITH ours AS (
    SELECT tg.tgname, tg.tgrelid, tg.tgenabled,
           convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) AS entity
      FROM pg_trigger tg
      JOIN pg_proc p ON p.oid = tg.tgfoid
     WHERE p.pronamespace = 'tviews'::regnamespace
       AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger')
       AND tg.tgparentid = 0 AND tg.tgnargs = 1
)
SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM tviews.registry r WHERE r.entity = o.entity) THEN 'ORPHANED' ELSE 'DISABLED' END AS problem,
       o.entity, o.tgrelid::regclass AS table_name, o.tgname AS trigger_name
  FROM ours o
 WHERE o.tgenabled = 'D' OR NOT EXISTS (SELECT 1 FROM tviews.registry r WHERE r.entity = o.entity)
 ORDER BY 1, 2, 3;

\echo '== Prepared transactions (any older than a few minutes holds locks and TVIEW changes: queue management runbook)'
SELECT p.gid, p.owner, p.database, date_trunc('second', now() - p.prepared) AS age
  FROM pg_prepared_xacts p
 ORDER BY p.prepared;

\echo '== Open transactions holding uncommitted TVIEW writes (oldest first)'
SELECT a.pid, a.usename, a.state, date_trunc('second', now() - a.xact_start) AS xact_age,
       string_agg(DISTINCT l.relation::regclass::text, ', ') AS tviews_written
  FROM pg_locks l
  JOIN pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'relation' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()
   AND l.relation IN (SELECT CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END FROM tviews.registry r WHERE r.schema IS NOT NULL)
 GROUP BY a.pid, a.usename, a.state, a.xact_start
 ORDER BY a.xact_start;

\echo '== TVIEW sizes (compare total_bytes with the previous run to see growth)'
SELECT r.entity, r.name AS tview,
       CASE c.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'logged' END AS persistence,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size,
       pg_total_relation_size(c.oid) AS total_bytes
  FROM tviews.registry r
  JOIN pg_class c ON c.oid = CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END
 ORDER BY pg_total_relation_size(c.oid) DESC;
