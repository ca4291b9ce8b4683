-- ---
-- title: pg_tviews triggers that are orphaned, missing, disabled or untagged
-- description: >-
--   Lists every problem with pg_tviews' triggers, one row per trigger: ORPHANED (installed
--   for an entity that is no longer registered, or on a table its TVIEW no longer reads),
--   MISSING (a table a TVIEW reads lacks its row or statement trigger), DISABLED, and
--   UNTAGGED (left by an older release, without the entity argument). No rows means the
--   triggers are complete. Reads only the catalog: milliseconds.
-- safety: read-only
-- privileges:
--   - any role that can connect (pg_trigger and schema tviews are readable by all)
-- expect:
--   columns: [problem, entity, entity_registered, table_name, trigger_name, kind, next_step]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
WITH ours AS (
    SELECT tg.tgname, tg.tgrelid, tg.tgenabled,
           CASE p.proname WHEN 'pg_tview_trigger_handler' THEN 'row' ELSE 'statement' END AS kind,
           CASE WHEN tg.tgnargs = 1
                THEN convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding())
           END AS entity
      FROM pg_trigger tg
      JOIN pg_proc p ON p.oid = tg.tgfoid
     WHERE p.pronamespace = 'tviews'::regnamespace
       AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger')
       AND tg.tgparentid = 0
),
expected AS (
    SELECT DISTINCT rd.entity, rd.relid
      FROM tviews.pg_tview_reads rd
      JOIN pg_class c ON c.oid = rd.relid AND c.relkind IN ('r', 'p')
     WHERE rd.relid NOT IN (SELECT m.table_oid::oid FROM tviews.pg_tview_meta m)
),
problems AS (
    SELECT 'ORPHANED' AS problem, o.entity, o.tgrelid AS relid, o.tgname::text AS trigger_name, o.kind
      FROM ours o
     WHERE o.entity IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM expected e WHERE e.entity = o.entity AND e.relid = o.tgrelid)
    UNION ALL
    SELECT 'MISSING', e.entity, e.relid, NULL, k.kind
      FROM expected e
     CROSS JOIN (VALUES ('row'), ('statement')) AS k(kind)
     WHERE NOT EXISTS (SELECT 1 FROM ours o WHERE o.entity = e.entity AND o.tgrelid = e.relid AND o.kind = k.kind)
    UNION ALL
    SELECT 'DISABLED', o.entity, o.tgrelid, o.tgname::text, o.kind
      FROM ours o
     WHERE o.tgenabled = 'D'
    UNION ALL
    SELECT 'UNTAGGED', NULL, o.tgrelid, o.tgname::text, o.kind
      FROM ours o
     WHERE o.entity IS NULL
)
SELECT p.problem,
       p.entity,
       EXISTS (SELECT 1 FROM tviews.registry r WHERE r.entity = p.entity) AS entity_registered,
       p.relid::regclass::text AS table_name,
       p.trigger_name,
       p.kind,
       CASE
           WHEN p.problem = 'ORPHANED' AND NOT EXISTS (SELECT 1 FROM tviews.registry r WHERE r.entity = p.entity)
               THEN 'step "Orphaned triggers": health/drop-orphaned-triggers with entity ' || p.entity
           WHEN p.problem = 'ORPHANED' AND EXISTS (SELECT 1 FROM tviews.registry r
                                                    WHERE r.entity = p.entity AND (r.schema IS NULL OR r.view IS NULL))
               THEN 'its TVIEW lost its table or view: step "Orphaned metadata" (removes these triggers too)'
           WHEN p.problem = 'ORPHANED' THEN 'SELECT tviews.pg_tviews_reregister(' || quote_literal(p.entity) || ')'
           WHEN p.problem = 'MISSING' THEN 'step "Missing triggers": health/reregister-tview with entity ' || p.entity
           WHEN p.problem = 'DISABLED' THEN 'ask who disabled it; ALTER TABLE ' || p.relid::regclass::text || ' ENABLE TRIGGER ' || quote_ident(p.trigger_name) || ', then refresh'
           ELSE 'SELECT * FROM tviews.pg_tviews_reregister_all()'
       END AS next_step
  FROM problems p
 ORDER BY p.problem, p.entity, table_name, p.kind;
