-- ---
-- title: Compare one TVIEW with its view, row for row
-- description: >-
--   Reads v_<entity> and tv_<entity> once each and counts, on the view's columns, the rows the
--   view returns that the TVIEW lacks (missing_in_tview) and the rows the TVIEW holds that the
--   view no longer returns (extra_in_tview). A row whose contents changed counts once on each
--   side. status is EQUAL, DIFFERENT, or MISSING_TABLE / MISSING_VIEW when pg_tviews still
--   lists the entity but its table or view is gone. Both relations are read in full: on the
--   scale fixture (1,000,000 rows in tv_comment) this takes about 9 seconds.
-- safety: read-only
-- privileges:
--   - SELECT on tv_<entity>, v_<entity> and the tables the view reads
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name, without the tv_ prefix (e.g. post for tv_post)
--     value: post
-- expect:
--   columns: [entity, view_rows, tview_rows, missing_in_tview, extra_in_tview, status]
--   rows: { min: 1, max: 1 }
--   output: ['EQUAL']
-- timeout: 2min
-- ---
SELECT r.entity,
       c.view_rows,
       c.tview_rows,
       c.missing_in_tview,
       c.extra_in_tview,
       CASE
           WHEN r.schema IS NULL THEN 'MISSING_TABLE'
           WHEN r.view IS NULL THEN 'MISSING_VIEW'
           WHEN c.missing_in_tview + c.extra_in_tview = 0 THEN 'EQUAL'
           ELSE 'DIFFERENT'
       END AS status
  FROM tviews.registry r
  LEFT JOIN LATERAL (
      -- query_to_xml runs the comparison built for this TVIEW (it only reads) and returns
      -- its one row as XML; xpath takes the four counts back out.
      SELECT (xpath('/row/view_rows/text()', x.doc))[1]::text::bigint AS view_rows,
             (xpath('/row/tview_rows/text()', x.doc))[1]::text::bigint AS tview_rows,
             (xpath('/row/missing_in_tview/text()', x.doc))[1]::text::bigint AS missing_in_tview,
             (xpath('/row/extra_in_tview/text()', x.doc))[1]::text::bigint AS extra_in_tview
        FROM (SELECT query_to_xml(format(
                  'SELECT coalesce(sum(in_view), 0) AS view_rows,'
                  '       coalesce(sum(in_tview), 0) AS tview_rows,'
                  '       coalesce(sum(greatest(in_view - in_tview, 0)), 0) AS missing_in_tview,'
                  '       coalesce(sum(greatest(in_tview - in_view, 0)), 0) AS extra_in_tview'
                  '  FROM (SELECT sum(s.in_view) AS in_view, sum(s.in_tview) AS in_tview'
                  '          FROM (SELECT 1 AS in_view, 0 AS in_tview, %1$s FROM %4$s'
                  '                UNION ALL SELECT 0, 1, %1$s FROM %2$I.%3$I) s'
                  '         GROUP BY %1$s) g',
                  (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                     FROM pg_attribute a
                    WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped),
                  r.schema, r.name, r.view), false, true, '') AS doc) x
       WHERE r.schema IS NOT NULL AND r.view IS NOT NULL
  ) c ON true
 WHERE r.entity = :'entity';
