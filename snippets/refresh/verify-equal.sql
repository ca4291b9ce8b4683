-- ---
-- title: Compare one TVIEW with its backing view, row for row
-- description: >-
--   Reads the TVIEW's backing view (tviews.registry.view, e.g. tviews.public__tv_post) and its
--   table once each and counts, on the view's columns, the rows the view returns that the
--   table lacks (missing_in_tview) and the rows the table holds that the view no longer
--   returns (extra_in_tview). A row whose contents changed counts once on each side. status is
--   EQUAL or DIFFERENT; MISSING_TABLE or MISSING_VIEW when pg_tviews still lists the TVIEW but
--   its table or view is gone; NOT_A_TVIEW when no TVIEW has that name. Both relations are
--   read in full, so it takes as long as reading them (seconds per million rows).
-- safety: read-only
-- privileges:
--   - SELECT on tv_<entity> (whoever may read the table may read its backing view)
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name (post for tv_post); tv_post and public.tv_post are accepted too
--     value: post
-- expect:
--   columns: [entity, view_rows, tview_rows, missing_in_tview, extra_in_tview, status]
--   rows: { min: 1, max: 1 }
--   output: ['EQUAL']
-- timeout: 2min
-- ---
-- The TVIEW's table, its backing view and the view's columns, into psql variables. One row
-- whatever the name: comparable is false when there is nothing to compare.
SELECT coalesce(r.entity, :'entity') AS compared_entity,
       (r.schema IS NOT NULL AND r.view IS NOT NULL) IS TRUE AS comparable,
       CASE WHEN r.entity IS NULL THEN 'NOT_A_TVIEW'
            WHEN r.schema IS NULL THEN 'MISSING_TABLE'
            WHEN r.view IS NULL THEN 'MISSING_VIEW' END AS missing_status,
       coalesce(CASE WHEN r.schema IS NOT NULL THEN format('%I.%I', r.schema, r.name) END, '-') AS compared_table,
       coalesce(r.view::text, '-') AS compared_view,
       coalesce((SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                   FROM pg_attribute a
                  WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped), '-') AS compared_columns
  FROM (SELECT :'entity' AS wanted) w
  LEFT JOIN tviews.registry r
    ON w.wanted IN (r.entity, r.name, r.schema || '.' || r.name)
\gset

\if :comparable
SELECT :'compared_entity' AS entity,
       coalesce(sum(g.in_view), 0) AS view_rows,
       coalesce(sum(g.in_tview), 0) AS tview_rows,
       coalesce(sum(greatest(g.in_view - g.in_tview, 0)), 0) AS missing_in_tview,
       coalesce(sum(greatest(g.in_tview - g.in_view, 0)), 0) AS extra_in_tview,
       CASE WHEN coalesce(sum(abs(g.in_view - g.in_tview)), 0) = 0 THEN 'EQUAL' ELSE 'DIFFERENT' END AS status
  FROM (SELECT sum(s.in_view) AS in_view, sum(s.in_tview) AS in_tview
          FROM (SELECT 1 AS in_view, 0 AS in_tview, :compared_columns FROM :compared_view
                UNION ALL
                SELECT 0, 1, :compared_columns FROM :compared_table) s
         GROUP BY :compared_columns) g;
\else
SELECT :'compared_entity' AS entity,
       NULL::bigint AS view_rows,
       NULL::bigint AS tview_rows,
       NULL::bigint AS missing_in_tview,
       NULL::bigint AS extra_in_tview,
       :'missing_status' AS status;
\endif
