-- ---
-- title: Exact drift check of every TVIEW
-- description: >-
--   One row per registered TVIEW: how many rows of the tv_ table differ from what its backing
--   view returns now, counted exactly in both directions on the view's columns, and a status
--   to act on. It reads every TVIEW and computes every view in full, so run
--   health/tview-drift-sample first on large TVIEWs, and this one when the sample found drift
--   or you need certainty. For what is wrong besides the rows (triggers, missing table or
--   view), run health/tview-catalog.
-- safety: read-only
-- privileges:
--   - SELECT on every tv_ table and backing view (their owner, or pg_read_all_data)
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- expect:
--   columns: [entity, tview, status, differing_rows, next_step]
--   rows: { min: 1 }
-- timeout: 10min
-- ---
-- status: DRIFTED      rows of tv_ differ from what the view returns now: refresh the TVIEW
--         OK           tv_ holds exactly what the view returns
--         NOT_CHECKED  the table or the view is missing: see health/tview-catalog
-- differing_rows counts rows of tv_ that the view does not return plus rows of the view that
-- tv_ lacks: a row with an old copy counts twice (the old version and the new one).
WITH tview AS (
    SELECT r.entity, r.name, r.view,
           CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END AS relid,
           (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped) AS columns
      FROM tviews.registry r
),
drift AS (
    -- query_to_xml runs the comparison query built for each TVIEW; it only reads.
    SELECT t.entity,
           (xpath('/row/n/text()', query_to_xml(format(
               'SELECT count(*) AS n FROM ((SELECT %1$s FROM %2$s EXCEPT ALL SELECT %1$s FROM %3$s)'
               ' UNION ALL (SELECT %1$s FROM %3$s EXCEPT ALL SELECT %1$s FROM %2$s)) d',
               t.columns, t.relid, t.view), false, true, '')))[1]::text::bigint AS differing_rows
      FROM tview t
     WHERE t.relid IS NOT NULL AND t.view IS NOT NULL
)
SELECT t.entity,
       coalesce(t.relid::text, t.name) AS tview,
       s.status,
       d.differing_rows,
       CASE s.status
           WHEN 'DRIFTED' THEN 'find why (health/tview-catalog), then refresh this TVIEW'
           WHEN 'NOT_CHECKED' THEN 'see health/tview-catalog'
           ELSE ''
       END AS next_step
  FROM tview t
  LEFT JOIN drift d USING (entity)
 CROSS JOIN LATERAL (SELECT CASE
           WHEN d.entity IS NULL THEN 'NOT_CHECKED'
           WHEN d.differing_rows > 0 THEN 'DRIFTED'
           ELSE 'OK'
       END AS status) s
 ORDER BY t.entity;
