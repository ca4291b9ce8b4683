-- ---
-- title: pg_tviews triggers that are orphaned, missing, disabled or untagged
-- description: >-
--   One row per problem with pg_tviews' triggers: ORPHANED (installed for an entity that is
--   no longer registered or whose tv_ table is gone, or on a table its TVIEW no longer
--   reads), MISSING (a table a TVIEW reads lacks a trigger pg_tviews puts there: row, flush,
--   TRUNCATE, or the delta trigger of one event), DISABLED (disabled, or ENABLE REPLICA, which
--   fires only in replica sessions) and UNTAGGED (without the entity argument). The expected
--   triggers are worked out from tviews.registry as pg_tviews does, and compared by function
--   and events, so a dropped delta trigger for one event shows too (pg_tviews_health_check()
--   compares functions only and misses it). No rows means the triggers are complete. Reads
--   only the catalog: milliseconds.
-- safety: read-only
-- privileges:
--   - any role that can connect (pg_trigger and schema tviews are readable by all)
-- expect:
--   columns: [problem, entity, entity_registered, table_name, trigger_name, kind, next_step]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
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
