-- ---
-- title: After upgrading pg_tviews, is every TVIEW in the shape the new release expects
-- description: >-
--   One row per TVIEW, after ALTER EXTENSION pg_tviews UPDATE: whether its table has exactly
--   its backing view's columns (columns the view lacks are left-overs, such as the created_at /
--   updated_at columns pg_tviews added before 0.1.0-beta.34), whether it still waits for
--   re-registration, whether its triggers are all there and enabled, and whether its backing
--   view and table exist. It compares no rows: health/tview-status does, after it. Reads the
--   catalog only: milliseconds.
-- safety: read-only
-- privileges:
--   - any role that can connect (the catalog and tviews.registry are readable by all)
-- expect:
--   columns: [entity, tview, extra_columns, missing_columns, needs_reregister, triggers, disabled_triggers, status]
--   rows: { min: 1 }
-- timeout: 30s
-- ---
-- status: OK       the TVIEW is registered, its table and view exist and match, its triggers fire
--         PROBLEM  what is wrong is in the columns before it
WITH tview AS (
    SELECT r.entity, r.name, r.view, r.needs_reregister,
           CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END AS relid
      FROM tviews.registry r
),
-- pg_tviews' triggers, by the TVIEW they serve (their first argument).
own_trigger AS (
    SELECT split_part(encode(g.tgargs, 'escape'), '\000', 1) AS entity, g.tgenabled
      FROM pg_trigger g
      JOIN pg_proc p ON p.oid = g.tgfoid
     WHERE p.pronamespace = 'tviews'::regnamespace
       AND g.tgnargs > 0
),
shape AS (
    SELECT t.entity,
           (SELECT string_agg(a.attname, ', ' ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = t.relid AND a.attnum > 0 AND NOT a.attisdropped
               AND a.attname NOT IN (SELECT v.attname FROM pg_attribute v
                                      WHERE v.attrelid = t.view AND v.attnum > 0 AND NOT v.attisdropped)) AS extra_columns,
           (SELECT string_agg(v.attname, ', ' ORDER BY v.attnum)
              FROM pg_attribute v
             WHERE v.attrelid = t.view AND v.attnum > 0 AND NOT v.attisdropped
               AND v.attname NOT IN (SELECT a.attname FROM pg_attribute a
                                      WHERE a.attrelid = t.relid AND a.attnum > 0 AND NOT a.attisdropped)) AS missing_columns,
           (SELECT count(*) FROM own_trigger g WHERE g.entity = t.entity) AS triggers,
           (SELECT count(*) FROM own_trigger g WHERE g.entity = t.entity AND g.tgenabled <> 'O') AS disabled_triggers
      FROM tview t
)
SELECT t.entity,
       coalesce(t.relid::text, '(table missing)') AS tview,
       coalesce(s.extra_columns, '') AS extra_columns,
       coalesce(s.missing_columns, '') AS missing_columns,
       t.needs_reregister,
       s.triggers,
       s.disabled_triggers,
       CASE WHEN t.relid IS NULL OR t.view IS NULL THEN 'PROBLEM: table or backing view missing (TVIEW health check runbook)'
            WHEN s.extra_columns IS NOT NULL OR s.missing_columns IS NOT NULL THEN 'PROBLEM: the table''s columns differ from its view''s'
            WHEN t.needs_reregister THEN 'PROBLEM: SELECT * FROM tviews.pg_tviews_reregister_all()'
            WHEN s.triggers = 0 OR s.disabled_triggers > 0 THEN 'PROBLEM: triggers missing or disabled (TVIEW health check runbook)'
            ELSE 'OK'
       END AS status
  FROM tview t
  JOIN shape s ON s.entity = t.entity
 ORDER BY t.entity;
