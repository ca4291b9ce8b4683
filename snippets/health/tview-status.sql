-- ---
-- title: Status of every TVIEW, with an exact drift check
-- description: >-
--   One row per registered TVIEW: whether its table, view and triggers are all there,
--   how many rows of tv_<entity> differ from v_<entity> (exact, both directions), and a
--   status to act on. The comparison reads both relations in full, so on a TVIEW of millions
--   of rows it takes seconds; use health/tview-drift-sample first there.
-- safety: read-only
-- privileges:
--   - SELECT on every tv_ table and v_ view (their owner, or pg_read_all_data)
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- expect:
--   columns: [entity, tview, status, differing_rows, triggers, disabled_triggers]
--   rows: { min: 1 }
-- timeout: 60s
-- ---
-- Status, in the order they are checked:
--   MISSING_TABLE      the registered tv_ table no longer exists
--   MISSING_VIEW       its backing v_ view no longer exists
--   NO_TRIGGERS        no pg_tviews trigger on any source table: nothing keeps it in sync
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
trigger_state AS (
    SELECT t.entity,
           count(tg.oid) AS triggers,
           count(tg.oid) FILTER (WHERE tg.tgenabled = 'D') AS disabled_triggers
      FROM tview t
      LEFT JOIN pg_trigger tg
        ON NOT tg.tgisinternal
       AND (left(tg.tgname, length('trg_tview_row_' || t.entity || '_on_')) = 'trg_tview_row_' || t.entity || '_on_'
         OR left(tg.tgname, length('trg_tview_flush_' || t.entity || '_on_')) = 'trg_tview_flush_' || t.entity || '_on_')
     GROUP BY t.entity
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
       CASE
           WHEN t.schema IS NULL THEN 'MISSING_TABLE'
           WHEN t.view IS NULL THEN 'MISSING_VIEW'
           WHEN s.triggers = 0 THEN 'NO_TRIGGERS'
           WHEN s.disabled_triggers > 0 THEN 'TRIGGERS_DISABLED'
           WHEN d.differing_rows > 0 THEN 'DRIFTED'
           WHEN t.needs_reregister THEN 'NEEDS_REREGISTER'
           ELSE 'OK'
       END AS status,
       d.differing_rows,
       s.triggers,
       s.disabled_triggers
  FROM tview t
  JOIN trigger_state s USING (entity)
  LEFT JOIN drift d USING (entity)
 ORDER BY t.entity;
