-- ---
-- title: Quick status of every TVIEW (catalog, triggers, empty tables), no row comparison
-- description: >-
--   One row per registered TVIEW with a status to act on: is its tv_ table there, its v_
--   view, a row trigger and a statement trigger of pg_tviews on every table it reads, all
--   of them enabled, and does tv_ hold rows when v_ returns some. It reads the catalog and at
--   most one row of each tv_ table and v_ view, so it stays fast on TVIEWs of any size. It
--   does not prove the rows are right: health/tview-drift-sample and health/tview-status do.
-- safety: read-only
-- privileges:
--   - SELECT on every tv_ table and v_ view (their owner, or pg_read_all_data)
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- expect:
--   columns: [entity, tview, status, persistence, estimated_rows, triggers, expected_triggers, disabled_triggers, next_step]
--   rows: { min: 1 }
--   output: ['\bOK\b']
-- timeout: 30s
-- ---
-- Status, first match wins:
--   MISSING_TABLE      the tv_ table is gone but still registered (orphaned metadata)
--   MISSING_VIEW       the v_ view is gone (e.g. its source table was dropped with CASCADE)
--   NO_TRIGGERS        no pg_tviews trigger left: nothing keeps this TVIEW up to date
--   MISSING_TRIGGERS   some source table lacks its row or statement trigger
--   TRIGGERS_DISABLED  a trigger is there but disabled (ALTER TABLE ... DISABLE TRIGGER)
--   EMPTY              tv_ has no rows although v_ has: an UNLOGGED TVIEW after a crash
--                      restart or a failover, or a failed rebuild
--   NEEDS_REREGISTER   registered by an older pg_tviews release
--   OK                 none of the above (rows may still have drifted: run the drift check)
WITH tview AS (
    SELECT r.entity, r.name AS tview, r.schema, r.view, r.needs_reregister,
           c.relpersistence, c.reltuples
      FROM tviews.registry r
      LEFT JOIN pg_class c ON c.oid = CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END
),
expected AS (
    -- The tables each TVIEW reads (through views), other TVIEWs' tables excepted: pg_tviews
    -- puts one row trigger and one statement trigger of the TVIEW on each of them.
    SELECT DISTINCT rd.entity, rd.relid
      FROM tviews.pg_tview_reads rd
      JOIN pg_class c ON c.oid = rd.relid AND c.relkind IN ('r', 'p')
     WHERE rd.relid NOT IN (SELECT m.table_oid::oid FROM tviews.pg_tview_meta m)
),
ours AS (
    -- pg_tviews' triggers, with the entity they were installed for (their one argument).
    SELECT tg.tgrelid, tg.tgenabled,
           convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) AS entity
      FROM pg_trigger tg
      JOIN pg_proc p ON p.oid = tg.tgfoid
     WHERE p.pronamespace = 'tviews'::regnamespace
       AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger')
       AND tg.tgparentid = 0
       AND tg.tgnargs = 1
),
trigger_state AS (
    SELECT t.entity,
           (SELECT count(*) FROM ours o WHERE o.entity = t.entity) AS triggers,
           2 * (SELECT count(*) FROM expected e WHERE e.entity = t.entity) AS expected_triggers,
           (SELECT count(*) FROM ours o WHERE o.entity = t.entity AND o.tgenabled = 'D') AS disabled_triggers,
           (SELECT count(*) FROM expected e
             WHERE e.entity = t.entity
               AND (SELECT count(*) FROM ours o WHERE o.entity = e.entity AND o.tgrelid = e.relid) < 2) AS tables_missing_triggers
      FROM tview t
),
emptiness AS (
    -- One row of each is enough to tell an empty TVIEW whose view has rows.
    SELECT t.entity,
           (xpath('/row/e/text()', query_to_xml(format(
               'SELECT NOT EXISTS (SELECT 1 FROM %I.%I) AND EXISTS (SELECT 1 FROM %s) AS e',
               t.schema, t.tview, t.view), false, true, '')))[1]::text::boolean AS empty
      FROM tview t
     WHERE t.schema IS NOT NULL AND t.view IS NOT NULL
)
SELECT t.entity,
       t.tview,
       s.status,
       CASE t.relpersistence WHEN 'u' THEN 'unlogged' WHEN 'p' THEN 'logged' END AS persistence,
       greatest(t.reltuples, 0)::bigint AS estimated_rows,
       ts.triggers,
       ts.expected_triggers,
       ts.disabled_triggers,
       CASE s.status
           WHEN 'MISSING_TABLE' THEN 'step "Orphaned metadata"'
           WHEN 'MISSING_VIEW' THEN 'step "Orphaned metadata"'
           WHEN 'NO_TRIGGERS' THEN 'step "Missing triggers", then refresh this TVIEW'
           WHEN 'MISSING_TRIGGERS' THEN 'step "Missing triggers", then refresh this TVIEW'
           WHEN 'TRIGGERS_DISABLED' THEN 'find out who disabled them and why; enable them, then refresh this TVIEW'
           WHEN 'EMPTY' THEN 'rebuild: Manual refresh runbook (pg_tviews_rebuild_all(only_empty => true))'
           WHEN 'NEEDS_REREGISTER' THEN 'SELECT tviews.pg_tviews_reregister(<entity>)'
           ELSE 'run the drift check next'
       END AS next_step
  FROM tview t
  JOIN trigger_state ts USING (entity)
  LEFT JOIN emptiness em USING (entity)
 CROSS JOIN LATERAL (SELECT CASE
           WHEN t.schema IS NULL THEN 'MISSING_TABLE'
           WHEN t.view IS NULL THEN 'MISSING_VIEW'
           WHEN ts.triggers = 0 THEN 'NO_TRIGGERS'
           WHEN ts.tables_missing_triggers > 0 THEN 'MISSING_TRIGGERS'
           WHEN ts.disabled_triggers > 0 THEN 'TRIGGERS_DISABLED'
           WHEN em.empty THEN 'EMPTY'
           WHEN t.needs_reregister THEN 'NEEDS_REREGISTER'
           ELSE 'OK'
       END AS status) s
 ORDER BY s.status = 'OK', t.entity;
