-- ---
-- title: Quick status of every TVIEW (catalog, triggers, upstream TVIEWs, empty tables)
-- description: >-
--   One row per registered TVIEW with a status to act on. It checks that the tv_ table and
--   the backing view (tviews.<schema>__<table>) exist, that every trigger pg_tviews needs on
--   the tables the TVIEW reads is there with its events and enabled (row, flush, TRUNCATE and
--   delta triggers, worked out from tviews.registry.cascade_kinds as pg_tviews does), that
--   the TVIEWs it reads through (its upstream) are registered and sound, and that tv_ holds
--   rows when its view has some. It reads the catalog and at most one row of each table and
--   view, so it stays fast on TVIEWs of any size. It compares no rows: the drift checks do.
-- safety: read-only
-- privileges:
--   - SELECT on every tv_ table and backing view (their owner, or pg_read_all_data)
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- expect:
--   columns: [entity, tview, status, persistence, estimated_rows, triggers, expected_triggers, disabled_triggers, upstream, next_step]
--   rows: { min: 1 }
--   output: ['\bOK\b']
-- timeout: 30s
-- ---
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
