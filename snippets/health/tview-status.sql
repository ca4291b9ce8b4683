-- ---
-- title: Status of every TVIEW, with an exact drift check
-- description: >-
--   One row per registered TVIEW: whether its table, view and triggers are all there,
--   how many rows of tv_<entity> differ from v_<entity> (exact, both directions), and a
--   status to act on. The comparison reads both relations in full: with a million rows in
--   the largest TVIEW it took 25 to 32 s warm and 53 s cold, so run
--   health/tview-drift-sample first there, and this one when the sample found drift or you
--   need certainty.
-- safety: read-only
-- privileges:
--   - SELECT on every tv_ table and v_ view (their owner, or pg_read_all_data)
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- expect:
--   columns: [entity, tview, status, differing_rows, triggers, disabled_triggers, next_step]
--   rows: { min: 1 }
-- timeout: 10min
-- ---
-- Status, in the order they are checked:
--   MISSING_TABLE      the registered tv_ table no longer exists
--   MISSING_VIEW       its backing v_ view no longer exists
--   NO_TRIGGERS        no pg_tviews trigger on any source table: nothing keeps it in sync
--   MISSING_TRIGGERS   a source table lacks its row or statement trigger
--   TRIGGERS_DISABLED  a trigger is there but disabled (ALTER TABLE … DISABLE TRIGGER)
--   DRIFTED            rows of tv_ differ from what v_ returns now
--   NEEDS_REREGISTER   pg_tviews asks for pg_tviews_reregister() after an upgrade
--   OK                 all of the above are fine
WITH tview AS (
    SELECT r.entity, r.name AS tview, r.schema, r.view, r.needs_reregister,
           (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped) AS columns
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
       AND tg.tgparentid = 0
       AND tg.tgnargs = 1
),
trigger_state AS (
    SELECT t.entity,
           (SELECT count(*) FROM ours o WHERE o.entity = t.entity) AS triggers,
           (SELECT count(*) FROM ours o WHERE o.entity = t.entity AND o.tgenabled = 'D') AS disabled_triggers,
           (SELECT count(*) FROM expected e
             WHERE e.entity = t.entity
               AND (SELECT count(*) FROM ours o WHERE o.entity = e.entity AND o.tgrelid = e.relid) < 2) AS tables_missing_triggers
      FROM tview t
),
drift AS (
    -- query_to_xml runs the comparison query built for each TVIEW; it only reads.
    SELECT t.entity,
           (xpath('/row/n/text()', query_to_xml(format(
               'SELECT count(*) AS n FROM ((SELECT %1$s FROM %2$I.%3$I EXCEPT ALL SELECT %1$s FROM %4$s)'
               ' UNION ALL (SELECT %1$s FROM %4$s EXCEPT ALL SELECT %1$s FROM %2$I.%3$I)) d',
               t.columns, t.schema, t.tview, t.view), false, true, '')))[1]::text::bigint AS differing_rows
      FROM tview t
     WHERE t.schema IS NOT NULL AND t.view IS NOT NULL
)
SELECT t.entity,
       t.tview,
       s.status,
       d.differing_rows,
       ts.triggers,
       ts.disabled_triggers,
       CASE s.status
           WHEN 'MISSING_TABLE' THEN 'step "Orphaned metadata"'
           WHEN 'MISSING_VIEW' THEN 'step "Orphaned metadata"'
           WHEN 'NO_TRIGGERS' THEN 'step "Missing triggers", then refresh'
           WHEN 'MISSING_TRIGGERS' THEN 'step "Missing triggers", then refresh'
           WHEN 'TRIGGERS_DISABLED' THEN 'enable the triggers, then refresh'
           WHEN 'DRIFTED' THEN 'refresh this TVIEW (Manual refresh runbook)'
           WHEN 'NEEDS_REREGISTER' THEN 'SELECT tviews.pg_tviews_reregister(<entity>)'
           ELSE ''
       END AS next_step
  FROM tview t
  JOIN trigger_state ts USING (entity)
  LEFT JOIN drift d USING (entity)
 CROSS JOIN LATERAL (SELECT CASE
           WHEN t.schema IS NULL THEN 'MISSING_TABLE'
           WHEN t.view IS NULL THEN 'MISSING_VIEW'
           WHEN ts.triggers = 0 THEN 'NO_TRIGGERS'
           WHEN ts.tables_missing_triggers > 0 THEN 'MISSING_TRIGGERS'
           WHEN ts.disabled_triggers > 0 THEN 'TRIGGERS_DISABLED'
           WHEN d.differing_rows > 0 THEN 'DRIFTED'
           WHEN t.needs_reregister THEN 'NEEDS_REREGISTER'
           ELSE 'OK'
       END AS status) s
 ORDER BY t.entity;
