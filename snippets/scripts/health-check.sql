-- ---
-- title: health-check.sql, the whole quick health check in one psql run
-- description: >-
--   Everything the quick check of the TVIEW health check runbook looks at, section by
--   section: where you are connected, the extension, pg_tviews' own health check (problems
--   only), the status of every TVIEW, pg_tviews triggers with problems, a sampled drift check
--   (1000 rows per TVIEW, or -v sample_rows=N), the refresh counters, prepared transactions,
--   transactions holding TVIEW writes, and sizes. The sections are the runbook's snippets,
--   unchanged. Read-only and about a second on TVIEWs of a million rows. Save it and run it
--   with psql -X -f health-check.sql; an empty section means nothing wrong there. On a
--   standby it skips pg_tviews' own check, which cannot run there, and says so.
-- safety: read-only
-- privileges:
--   - SELECT on every tv_ table, backing view and source table (their owner, or pg_read_all_data)
--   - pg_read_all_stats to see other roles' statements
-- expect:
--   output: ['== TVIEW status', '== Sampled drift', '== Prepared transactions', 'installed_version']
--   columns: [entity, tview, persistence, total_size, total_bytes]
-- timeout: 60s
-- ---
\set ON_ERROR_STOP on
\pset footer off
\if :{?sample_rows}
\else
  \set sample_rows 1000
\endif

\echo '== Connection'
SELECT current_database() AS database, current_user AS role, now() AS checked_at,
       current_setting('server_version') AS postgres;

\echo '== Extension (every status OK)'
-- If this fails with 'schema "tviews" does not exist', pg_tviews is not installed in this
-- database (or was installed into another schema: \dx pg_tviews shows where).
-- status: OK, or PROBLEM with what is wrong in value.
SELECT 'installed_version' AS check_name,
       e.extversion AS value,
       CASE WHEN e.extversion = tviews.pg_tviews_version() THEN 'OK'
            ELSE 'PROBLEM: the library is ' || tviews.pg_tviews_version() || ' (ALTER EXTENSION pg_tviews UPDATE, or restart after installing)'
       END AS status
  FROM pg_extension e
 WHERE e.extname = 'pg_tviews'
UNION ALL
SELECT 'library_version', tviews.pg_tviews_version(), 'OK'
UNION ALL
SELECT 'preloaded',
       current_setting('shared_preload_libraries'),
       CASE WHEN 'pg_tviews' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ','))
            THEN 'OK'
            ELSE 'PROBLEM: add pg_tviews to shared_preload_libraries and restart; until then TVIEW DDL is refused'
       END
UNION ALL
SELECT 'auto_rebuild',
       coalesce(nullif(current_setting('pg_tviews.auto_rebuild_databases', true), ''), '(none)'),
       CASE WHEN string_to_array(replace(coalesce(current_setting('pg_tviews.auto_rebuild_databases', true), ''), ' ', ''), ',')
                 && ARRAY['*', current_database()::text]
              OR NOT EXISTS (SELECT 1 FROM tviews.registry r WHERE (r.options ->> 'logged')::boolean IS FALSE)
            THEN 'OK'
            ELSE 'PROBLEM: UNLOGGED TVIEWs of this database stay empty after a crash restart or a promotion until a write reaches them or someone rebuilds them'
       END
UNION ALL
SELECT 'registered_tviews',
       (SELECT count(*) FROM tviews.registry)::text,
       CASE WHEN (SELECT count(*) FROM tviews.registry) > 0 THEN 'OK'
            ELSE 'PROBLEM: no TVIEW is registered in this database (wrong database?)'
       END;

\echo '== pg_tviews health check: problems only (jsonb_delta WARNING is expected without that extension)'
-- pg_tviews_health_check() cannot run on a standby (it needs a transaction id); the other
-- sections can, and show the primary's state as replayed there.
SELECT pg_is_in_recovery() AS pgtv_on_standby \gset
\if :pgtv_on_standby
\echo 'not run: this server is a standby (in recovery); run this script on the primary for this section'
\else
SELECT h.status, h.component, h.message
  FROM tviews.pg_tviews_health_check() h
 WHERE h.status <> 'OK'
 ORDER BY h.status, h.component;
\endif

\echo '== TVIEW status (anything but OK: see next_step)'
-- Status, first match wins:
--   MISSING_TABLE      the tv_ table is gone but still registered (orphaned metadata)
--   MISSING_VIEW       the backing view is gone (its source table was dropped with CASCADE)
--   MISSING_TRIGGERS   a table it reads lacks one of the triggers pg_tviews puts there
--   TRIGGERS_DISABLED  a trigger is there but disabled, or set to ENABLE REPLICA
--   LOST_UPSTREAM      it reads the view of a TVIEW that is no longer registered: writes to
--                      the tables listed in next_step no longer reach it
--   NEEDS_REBUILD      an UNLOGGED TVIEW reset by a crash restart or a promotion, not refilled
--   EMPTY              tv_ has no rows although its view has (e.g. TRUNCATE tv_<entity>)
--   UPSTREAM_PROBLEM   a TVIEW in the upstream column has one of the problems above: changes
--                      that reach this TVIEW through it are lost too
--   NEEDS_REREGISTER   registered by an older pg_tviews release
--   OK                 none of the above (rows may still have drifted: run the drift check)
WITH tview AS (
    SELECT r.entity, r.schema, r.name, r.view, r.base_tables, r.cascade_kinds, r.needs_reregister,
           CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END AS relid
      FROM tviews.registry r
),
reads AS (
    -- The ordinary and partitioned tables each TVIEW reads, with how pg_tviews maps a write
    -- there to its rows: local, mapped, all_keys (triggers) or propagated (through another
    -- TVIEW, no trigger).
    SELECT t.entity, b.oid AS relid, b.relkind,
           b.oid IN (SELECT x.relid FROM tview x WHERE x.relid IS NOT NULL) AS tview_table,
           t.cascade_kinds ->> b.oid::regclass::text AS kind
      FROM tview t
     CROSS JOIN LATERAL unnest(t.base_tables) AS bt(rel)
      JOIN pg_class b ON b.oid = bt.rel::oid AND b.relkind IN ('r', 'p')
),
kinds (kind, proname, tgtype) AS (
    VALUES ('row', 'pg_tview_trigger_handler', 29), ('flush', 'pg_tview_flush_trigger', 28),
           ('truncate', 'pg_tview_truncate_trigger', 32), ('delta_insert', 'pg_tview_delta_trigger', 4),
           ('delta_update', 'pg_tview_delta_trigger', 16), ('delta_delete', 'pg_tview_delta_trigger', 8)
),
expected AS (
    -- The triggers pg_tviews installs for each TVIEW, by function and events (tgtype).
    SELECT r.entity, r.relid, k.proname, k.tgtype
      FROM reads r
      JOIN kinds k ON CASE
               WHEN r.tview_table THEN r.kind IN ('mapped', 'all_keys') AND k.kind LIKE 'delta%'
               WHEN r.kind = 'local' OR (r.kind IN ('mapped', 'all_keys') AND r.relkind = 'p')
                   THEN k.kind IN ('row', 'flush', 'truncate')
               WHEN r.kind IN ('mapped', 'all_keys') THEN k.kind <> 'row'
               ELSE false
           END
    UNION ALL
    -- Each partition of a partitioned table that gets a row trigger gets flush and TRUNCATE.
    SELECT r.entity, m.relid::oid, k.proname, k.tgtype
      FROM reads r
     CROSS JOIN LATERAL pg_partition_tree(r.relid) m
      JOIN kinds k ON k.kind IN ('flush', 'truncate')
     WHERE r.relkind = 'p' AND NOT r.tview_table AND r.kind IN ('local', 'mapped', 'all_keys')
       AND m.relid::oid <> r.relid
),
ours AS (
    -- pg_tviews' triggers, with the entity each was installed for (its one argument).
    SELECT tg.tgrelid, tg.tgenabled, tg.tgtype, p.proname,
           convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) AS entity
      FROM pg_trigger tg
      JOIN pg_proc p ON p.oid = tg.tgfoid
     WHERE p.pronamespace = 'tviews'::regnamespace
       AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger', 'pg_tview_truncate_trigger', 'pg_tview_delta_trigger')
       AND tg.tgparentid = 0
       AND tg.tgnargs = 1
),
upstream AS (
    -- Registered TVIEWs whose view or table this one reads, directly or through views.
    SELECT DISTINCT rd.entity, u.entity AS upstream
      FROM tviews.pg_tview_reads rd
      JOIN tview u ON u.entity <> rd.entity AND rd.relid IN (u.view::oid, u.relid::oid)
),
lost AS (
    -- Tables whose writes should reach the TVIEW through an upstream TVIEW that reads them,
    -- when no registered upstream does.
    SELECT t.entity, string_agg(k.key, ', ' ORDER BY k.key) AS tables
      FROM tview t
     CROSS JOIN LATERAL jsonb_each_text(t.cascade_kinds) k
     WHERE k.value = 'propagated'
       AND NOT EXISTS (SELECT 1
                         FROM upstream up
                         JOIN tview u ON u.entity = up.upstream
                        WHERE up.entity = t.entity
                          AND k.key IN (SELECT b::text FROM unnest(u.base_tables) b))
     GROUP BY t.entity
),
rebuild AS (
    SELECT s.entity, s.persistence, s.needs_rebuild FROM tviews.pg_tviews_replication_status() s
),
state AS (
    SELECT t.*,
           c.reltuples,
           (SELECT count(*) FROM ours o WHERE o.entity = t.entity) AS triggers,
           (SELECT count(*) FROM expected e WHERE e.entity = t.entity) AS expected_triggers,
           (SELECT count(*) FROM expected e
             WHERE e.entity = t.entity
               AND NOT EXISTS (SELECT 1 FROM ours o WHERE o.entity = e.entity AND o.tgrelid = e.relid
                                                      AND o.proname = e.proname AND o.tgtype = e.tgtype)) AS missing_triggers,
           (SELECT count(*) FROM ours o WHERE o.entity = t.entity AND o.tgenabled IN ('D', 'R')) AS disabled_triggers,
           l.tables AS lost_tables,
           rb.persistence,
           rb.needs_rebuild,
           -- One row of each is enough to tell an empty TVIEW whose view has rows (not on a
           -- hot standby for an UNLOGGED TVIEW, which cannot be read there).
           CASE WHEN t.relid IS NOT NULL AND t.view IS NOT NULL
                 AND NOT (pg_is_in_recovery() AND c.relpersistence = 'u') THEN
               (xpath('/row/e/text()', query_to_xml(format(
                   'SELECT NOT EXISTS (SELECT 1 FROM %s) AND EXISTS (SELECT 1 FROM %s) AS e',
                   t.relid, t.view), false, true, '')))[1]::text::boolean
           END AS empty
      FROM tview t
      LEFT JOIN pg_class c ON c.oid = t.relid
      LEFT JOIN lost l USING (entity)
      LEFT JOIN rebuild rb USING (entity)
),
own_status AS (
    SELECT s.*,
           CASE
               WHEN s.relid IS NULL THEN 'MISSING_TABLE'
               WHEN s.view IS NULL THEN 'MISSING_VIEW'
               WHEN s.missing_triggers > 0 THEN 'MISSING_TRIGGERS'
               WHEN s.disabled_triggers > 0 THEN 'TRIGGERS_DISABLED'
               WHEN s.lost_tables IS NOT NULL THEN 'LOST_UPSTREAM'
               WHEN s.needs_rebuild THEN 'NEEDS_REBUILD'
               WHEN s.empty THEN 'EMPTY'
               WHEN s.needs_reregister THEN 'NEEDS_REREGISTER'
               ELSE 'OK'
           END AS own
      FROM state s
),
final AS (
    SELECT o.*,
           (SELECT string_agg(up.upstream, ', ' ORDER BY up.upstream) FROM upstream up WHERE up.entity = o.entity) AS upstream,
           (SELECT string_agg(u.entity, ', ' ORDER BY u.entity)
              FROM upstream up JOIN own_status u ON u.entity = up.upstream
             WHERE up.entity = o.entity
               AND u.own IN ('MISSING_TABLE', 'MISSING_VIEW', 'MISSING_TRIGGERS', 'TRIGGERS_DISABLED', 'LOST_UPSTREAM')) AS broken_upstream
      FROM own_status o
)
SELECT f.entity,
       coalesce(f.relid::text, f.name) AS tview,
       s.status,
       coalesce(f.persistence, '') AS persistence,
       greatest(f.reltuples, 0)::bigint AS estimated_rows,
       f.triggers,
       f.expected_triggers,
       f.disabled_triggers,
       coalesce(f.upstream, '') AS upstream,
       CASE s.status
           WHEN 'MISSING_TABLE' THEN 'step "Orphaned metadata"'
           WHEN 'MISSING_VIEW' THEN 'step "Orphaned metadata"'
           WHEN 'MISSING_TRIGGERS' THEN 'step "Missing triggers" (health/trigger-problems names them), then refresh this TVIEW'
           WHEN 'TRIGGERS_DISABLED' THEN 'step "Disabled triggers": find out who disabled them and why, enable them, then refresh this TVIEW'
           WHEN 'LOST_UPSTREAM' THEN 'writes to ' || f.lost_tables || ' no longer reach it: step "Orphaned triggers"'
           WHEN 'NEEDS_REBUILD' THEN 'SELECT * FROM tviews.pg_tviews_rebuild_all(only_empty => true)'
           WHEN 'EMPTY' THEN 'refresh this TVIEW (the next write that reaches it also refills it)'
           WHEN 'UPSTREAM_PROBLEM' THEN 'fix ' || f.broken_upstream || ' first, then refresh this TVIEW too'
           WHEN 'NEEDS_REREGISTER' THEN 'SELECT tviews.pg_tviews_reregister(' || quote_literal(f.entity) || ')'
           ELSE 'run the drift check next'
       END AS next_step
  FROM final f
 CROSS JOIN LATERAL (SELECT CASE WHEN f.own = 'OK' AND f.broken_upstream IS NOT NULL THEN 'UPSTREAM_PROBLEM' ELSE f.own END AS status) s
 ORDER BY s.status = 'OK', f.entity;

\echo '== pg_tviews triggers with problems'
WITH tview AS (
    SELECT r.entity, r.schema, r.name, r.view, r.base_tables, r.cascade_kinds,
           CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END AS relid
      FROM tviews.registry r
),
reads AS (
    SELECT t.entity, b.oid AS relid, b.relkind,
           b.oid IN (SELECT x.relid FROM tview x WHERE x.relid IS NOT NULL) AS tview_table,
           t.cascade_kinds ->> b.oid::regclass::text AS kind
      FROM tview t
     CROSS JOIN LATERAL unnest(t.base_tables) AS bt(rel)
      JOIN pg_class b ON b.oid = bt.rel::oid AND b.relkind IN ('r', 'p')
),
kinds (kind, proname, tgtype) AS (
    VALUES ('row', 'pg_tview_trigger_handler', 29), ('flush', 'pg_tview_flush_trigger', 28),
           ('truncate', 'pg_tview_truncate_trigger', 32), ('delta_insert', 'pg_tview_delta_trigger', 4),
           ('delta_update', 'pg_tview_delta_trigger', 16), ('delta_delete', 'pg_tview_delta_trigger', 8)
),
expected AS (
    SELECT r.entity, r.relid, k.kind, k.proname, k.tgtype
      FROM reads r
      JOIN kinds k ON CASE
               WHEN r.tview_table THEN r.kind IN ('mapped', 'all_keys') AND k.kind LIKE 'delta%'
               WHEN r.kind = 'local' OR (r.kind IN ('mapped', 'all_keys') AND r.relkind = 'p')
                   THEN k.kind IN ('row', 'flush', 'truncate')
               WHEN r.kind IN ('mapped', 'all_keys') THEN k.kind <> 'row'
               ELSE false
           END
    UNION ALL
    SELECT r.entity, m.relid::oid, k.kind, k.proname, k.tgtype
      FROM reads r
     CROSS JOIN LATERAL pg_partition_tree(r.relid) m
      JOIN kinds k ON k.kind IN ('flush', 'truncate')
     WHERE r.relkind = 'p' AND NOT r.tview_table AND r.kind IN ('local', 'mapped', 'all_keys')
       AND m.relid::oid <> r.relid
),
ours AS (
    SELECT tg.tgname, tg.tgrelid, tg.tgenabled, tg.tgtype, p.proname,
           coalesce((SELECT k.kind FROM kinds k WHERE k.proname = p.proname AND k.tgtype = tg.tgtype),
                    p.proname || ' (events ' || tg.tgtype || ')') AS kind,
           CASE WHEN tg.tgnargs = 1
                THEN convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding())
           END AS entity
      FROM pg_trigger tg
      JOIN pg_proc p ON p.oid = tg.tgfoid
     WHERE p.pronamespace = 'tviews'::regnamespace
       AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger', 'pg_tview_truncate_trigger', 'pg_tview_delta_trigger')
       AND tg.tgparentid = 0
),
problems AS (
    SELECT 'ORPHANED' AS problem, o.entity, o.tgrelid AS relid, o.tgname::text AS trigger_name, o.kind
      FROM ours o
     WHERE o.entity IS NOT NULL
       AND (NOT EXISTS (SELECT 1 FROM expected e WHERE e.entity = o.entity AND e.relid = o.tgrelid
                                                   AND e.proname = o.proname AND e.tgtype = o.tgtype)
            OR EXISTS (SELECT 1 FROM tview t WHERE t.entity = o.entity AND t.relid IS NULL))
    UNION ALL
    SELECT 'MISSING', e.entity, e.relid, NULL, e.kind
      FROM expected e
     WHERE EXISTS (SELECT 1 FROM tview t WHERE t.entity = e.entity AND t.relid IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM ours o WHERE o.entity = e.entity AND o.tgrelid = e.relid
                                              AND o.proname = e.proname AND o.tgtype = e.tgtype)
    UNION ALL
    SELECT CASE o.tgenabled WHEN 'R' THEN 'DISABLED (ENABLE REPLICA)' ELSE 'DISABLED' END,
           o.entity, o.tgrelid, o.tgname::text, o.kind
      FROM ours o
     WHERE o.tgenabled IN ('D', 'R')
    UNION ALL
    SELECT 'UNTAGGED', NULL, o.tgrelid, o.tgname::text, o.kind
      FROM ours o
     WHERE o.entity IS NULL
)
SELECT p.problem,
       p.entity,
       EXISTS (SELECT 1 FROM tview t WHERE t.entity = p.entity) AS entity_registered,
       p.relid::regclass::text AS table_name,
       p.trigger_name,
       p.kind,
       CASE
           WHEN p.problem = 'ORPHANED' AND NOT EXISTS (SELECT 1 FROM tview t WHERE t.entity = p.entity)
               THEN 'step "Orphaned triggers": health/drop-orphaned-triggers with entity ' || p.entity
           WHEN p.problem = 'ORPHANED' AND EXISTS (SELECT 1 FROM tview t WHERE t.entity = p.entity AND t.relid IS NULL)
               THEN 'its TVIEW lost its table: step "Orphaned metadata" (removes these triggers too)'
           WHEN p.problem = 'ORPHANED' THEN 'SELECT tviews.pg_tviews_reregister(' || quote_literal(p.entity) || ')'
           WHEN p.problem = 'MISSING' THEN 'step "Missing triggers": health/reregister-tview with entity ' || p.entity
           WHEN p.problem LIKE 'DISABLED%' THEN 'step "Disabled triggers": health/enable-tview-triggers with entity ' || p.entity
           ELSE 'SELECT * FROM tviews.pg_tviews_reregister_all()'
       END AS next_step
  FROM problems p
 ORDER BY p.problem, p.entity, table_name, p.kind;

\echo '== Sampled drift (DRIFTED: refresh it)'
-- status: DRIFTED     some sampled row differs, is in tv_ but not in the view (extra), or is
--                     in the view but not in tv_ (missing): refresh the TVIEW
--         OK          the sample matched (run health/tview-status for certainty)
--         NOT_CHECKED the table or view is missing: see health/tview-catalog
WITH tview AS (
    SELECT r.entity, r.view,
           CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END AS relid,
           r.name,
           (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
           (SELECT string_agg(format('t.%1$I IS NOT DISTINCT FROM v.%1$I', a.attname), ' AND ' ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped) AS same_row,
           (SELECT string_agg(quote_ident(k), ', ') FROM unnest(r.identity) k) AS key_columns,
           (SELECT string_agg(format('v.%1$I = t.%1$I', k), ' AND ') FROM unnest(r.identity) k) AS view_has_tview_row,
           (SELECT string_agg(format('v.%1$I = s.%1$I', k), ' AND ') FROM unnest(r.identity) k) AS view_has_root_row,
           (SELECT string_agg(format('t.%1$I = s.%1$I', k), ' AND ') FROM unnest(r.identity) k) AS tview_has_root_row,
           -- The root table: a base table pg_tviews maps by its own rows (local) that holds the key.
           (SELECT b FROM unnest(r.base_tables) AS b
             WHERE r.cascade_kinds ->> b::text = 'local'
               AND (SELECT count(*) FROM pg_attribute a
                     WHERE a.attrelid = b AND a.attname = ANY (r.identity) AND NOT a.attisdropped) = cardinality(r.identity)
             ORDER BY b::text LIMIT 1) AS root_table
      FROM tviews.registry r
),
plan AS (
    SELECT t.*,
           greatest(c.reltuples, 0)::bigint AS estimated_rows,
           -- Percentage of pages to sample so that about sample_rows rows come back.
           least(100, greatest(0.0001, 100.0 * (:'sample_rows')::int / greatest(c.reltuples, 1)))::float8 AS pct,
           (SELECT least(100, greatest(0.0001, 100.0 * (:'sample_rows')::int / greatest(s.reltuples, 1)))::float8
              FROM pg_class s WHERE s.oid = t.root_table) AS root_pct
      FROM tview t
      LEFT JOIN pg_class c ON c.oid = t.relid
),
sampled AS (
    SELECT p.entity,
           query_to_xml(format(
               'SELECT count(*) AS sampled,'
               ' count(*) FILTER (WHERE NOT v.found) AS extra,'
               ' count(*) FILTER (WHERE v.found AND NOT v.same) AS differing'
               ' FROM (SELECT %1$s FROM %2$s TABLESAMPLE SYSTEM (%3$s) LIMIT %4$s) t'
               ' CROSS JOIN LATERAL (SELECT count(v.*) > 0 AS found, coalesce(bool_and(%5$s), false) AS same'
               '   FROM %6$s v WHERE %7$s) v',
               p.columns, p.relid, p.pct, (:'sample_rows')::int, p.same_row, p.view, p.view_has_tview_row),
               false, true, '') AS x,
           CASE WHEN p.root_table IS NOT NULL THEN query_to_xml(format(
               'SELECT count(*) AS missing'
               ' FROM (SELECT %1$s FROM %2$s TABLESAMPLE SYSTEM (%3$s) LIMIT %4$s) s'
               ' WHERE EXISTS (SELECT 1 FROM %5$s v WHERE %6$s)'
               '   AND NOT EXISTS (SELECT 1 FROM %7$s t WHERE %8$s)',
               p.key_columns, p.root_table, p.root_pct, (:'sample_rows')::int, p.view,
               p.view_has_root_row, p.relid, p.tview_has_root_row),
               false, true, '') END AS m
      FROM plan p
     WHERE p.relid IS NOT NULL AND p.view IS NOT NULL AND p.key_columns IS NOT NULL
),
counted AS (
    SELECT s.entity,
           (xpath('/row/sampled/text()', s.x))[1]::text::bigint AS sampled_rows,
           (xpath('/row/differing/text()', s.x))[1]::text::bigint AS differing_rows,
           (xpath('/row/extra/text()', s.x))[1]::text::bigint AS extra_rows,
           (xpath('/row/missing/text()', s.m))[1]::text::bigint AS missing_rows
      FROM sampled s
)
SELECT p.entity,
       coalesce(p.relid::text, p.name) AS tview,
       CASE
           WHEN c.entity IS NULL THEN 'NOT_CHECKED'
           WHEN c.differing_rows + c.extra_rows + coalesce(c.missing_rows, 0) > 0 THEN 'DRIFTED'
           ELSE 'OK'
       END AS status,
       p.estimated_rows,
       c.sampled_rows,
       c.differing_rows,
       c.extra_rows,
       c.missing_rows,
       -- Drifted share of the sample applied to the whole TVIEW: an order of magnitude only.
       CASE WHEN c.sampled_rows > 0
            THEN round(p.estimated_rows * (c.differing_rows + c.extra_rows + coalesce(c.missing_rows, 0))::numeric / c.sampled_rows)::bigint
       END AS estimated_drifted_rows
  FROM plan p
  LEFT JOIN counted c USING (entity)
 ORDER BY p.entity;

\echo '== Refresh counters (compare with the previous run: writes to the source tables move rows_written)'
SELECT s.entity,
       format('%I.%I', s.schema, s.name) AS tview,
       s.rows_written,
       s.rows_deleted,
       s.view_recomputes,
       s.patch_applied,
       s.full_refreshes,
       round(s.refresh_ms::numeric, 1) AS refresh_ms,
       date_trunc('second', s.stats_reset) AS counting_since,
       s.untracked
  FROM tviews.stats s
 ORDER BY s.entity;

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
   AND l.relation IN (SELECT to_regclass(format('%I.%I', r.schema, r.name)) FROM tviews.registry r WHERE r.schema IS NOT NULL)
 GROUP BY a.pid, a.usename, a.state, a.xact_start
 ORDER BY a.xact_start;

\echo '== TVIEW sizes (compare total_bytes with the previous run to see growth)'
SELECT r.entity, format('%I.%I', r.schema, r.name) AS tview,
       CASE c.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'logged' END AS persistence,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size,
       pg_total_relation_size(c.oid) AS total_bytes
  FROM tviews.registry r
  JOIN pg_class c ON c.oid = to_regclass(format('%I.%I', r.schema, r.name))
 WHERE r.schema IS NOT NULL
 ORDER BY pg_total_relation_size(c.oid) DESC;
