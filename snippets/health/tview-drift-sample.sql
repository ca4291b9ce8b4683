-- ---
-- title: Sampled drift check (cheap on large TVIEWs)
-- description: >-
--   Compares a random sample of each TVIEW with its backing view instead of all rows: up to
--   sample_rows rows of the tv_ table (TABLESAMPLE SYSTEM, so only the sampled pages are
--   read) are looked up in the view by the TVIEW's key (tviews.registry.identity, pk_<entity>
--   for ordinary TVIEWs), and as many rows sampled from its root table (the base table
--   registered as local, e.g. tb_<entity>) are looked up in the tv_ table to find rows it
--   lacks. Any difference proves drift; a clean sample makes widespread drift unlikely but
--   cannot rule out a few bad rows, which only the exact check (health/tview-status) finds.
--   Each run draws a new sample.
-- safety: read-only
-- privileges:
--   - SELECT on every tv_ table, backing view and root table (their owner, or pg_read_all_data)
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- params:
--   sample_rows:
--     kind: literal
--     description: rows to sample per TVIEW (1000 is enough to see drift that touches 1% of the rows)
--     value: "1000"
-- expect:
--   columns: [entity, tview, status, estimated_rows, sampled_rows, differing_rows, extra_rows, missing_rows, estimated_drifted_rows]
--   rows: { min: 1 }
-- timeout: 60s
-- ---
-- status: DRIFTED     some sampled row differs, is in tv_ but not in the view (extra), or is
--                     in the view but not in tv_ (missing): refresh the TVIEW
--         OK          the sample matched (run health/tview-status for certainty)
--         NOT_CHECKED the table or view is missing: see health/tview-catalog
WITH tview AS (
    SELECT r.entity, r.view,
           CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END AS relid,
           r.name,
           (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
           (SELECT string_agg(format('t.%1$I IS NOT DISTINCT FROM v.%1$I', a.attname), ' AND ' ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped) AS same_row,
           (SELECT string_agg(quote_ident(k), ', ') FROM unnest(r.identity) k) AS key_columns,
           (SELECT string_agg(format('v.%1$I = t.%1$I', k), ' AND ') FROM unnest(r.identity) k) AS view_has_tview_row,
           (SELECT string_agg(format('v.%1$I = s.%1$I', k), ' AND ') FROM unnest(r.identity) k) AS view_has_root_row,
           (SELECT string_agg(format('t.%1$I = s.%1$I', k), ' AND ') FROM unnest(r.identity) k) AS tview_has_root_row,
           -- The root table: a base table pg_tviews maps by its own rows (local) that holds the key.
           (SELECT b FROM unnest(r.base_tables) AS b
             WHERE r.cascade_kinds ->> b::text = 'local'
               AND (SELECT count(*) FROM pg_attribute a
                     WHERE a.attrelid = b AND a.attname = ANY (r.identity) AND NOT a.attisdropped) = cardinality(r.identity)
             ORDER BY b::text LIMIT 1) AS root_table
      FROM tviews.registry r
),
plan AS (
    SELECT t.*,
           greatest(c.reltuples, 0)::bigint AS estimated_rows,
           -- Percentage of pages to sample so that about sample_rows rows come back.
           least(100, greatest(0.0001, 100.0 * (:'sample_rows')::int / greatest(c.reltuples, 1)))::float8 AS pct,
           (SELECT least(100, greatest(0.0001, 100.0 * (:'sample_rows')::int / greatest(s.reltuples, 1)))::float8
              FROM pg_class s WHERE s.oid = t.root_table) AS root_pct
      FROM tview t
      LEFT JOIN pg_class c ON c.oid = t.relid
),
sampled AS (
    SELECT p.entity,
           query_to_xml(format(
               'SELECT count(*) AS sampled,'
               ' count(*) FILTER (WHERE NOT v.found) AS extra,'
               ' count(*) FILTER (WHERE v.found AND NOT v.same) AS differing'
               ' FROM (SELECT %1$s FROM %2$s TABLESAMPLE SYSTEM (%3$s) LIMIT %4$s) t'
               ' CROSS JOIN LATERAL (SELECT count(v.*) > 0 AS found, coalesce(bool_and(%5$s), false) AS same'
               '   FROM %6$s v WHERE %7$s) v',
               p.columns, p.relid, p.pct, (:'sample_rows')::int, p.same_row, p.view, p.view_has_tview_row),
               false, true, '') AS x,
           CASE WHEN p.root_table IS NOT NULL THEN query_to_xml(format(
               'SELECT count(*) AS missing'
               ' FROM (SELECT %1$s FROM %2$s TABLESAMPLE SYSTEM (%3$s) LIMIT %4$s) s'
               ' WHERE EXISTS (SELECT 1 FROM %5$s v WHERE %6$s)'
               '   AND NOT EXISTS (SELECT 1 FROM %7$s t WHERE %8$s)',
               p.key_columns, p.root_table, p.root_pct, (:'sample_rows')::int, p.view,
               p.view_has_root_row, p.relid, p.tview_has_root_row),
               false, true, '') END AS m
      FROM plan p
     WHERE p.relid IS NOT NULL AND p.view IS NOT NULL AND p.key_columns IS NOT NULL
),
counted AS (
    SELECT s.entity,
           (xpath('/row/sampled/text()', s.x))[1]::text::bigint AS sampled_rows,
           (xpath('/row/differing/text()', s.x))[1]::text::bigint AS differing_rows,
           (xpath('/row/extra/text()', s.x))[1]::text::bigint AS extra_rows,
           (xpath('/row/missing/text()', s.m))[1]::text::bigint AS missing_rows
      FROM sampled s
)
SELECT p.entity,
       coalesce(p.relid::text, p.name) AS tview,
       CASE
           WHEN c.entity IS NULL THEN 'NOT_CHECKED'
           WHEN c.differing_rows + c.extra_rows + coalesce(c.missing_rows, 0) > 0 THEN 'DRIFTED'
           ELSE 'OK'
       END AS status,
       p.estimated_rows,
       c.sampled_rows,
       c.differing_rows,
       c.extra_rows,
       c.missing_rows,
       -- Drifted share of the sample applied to the whole TVIEW: an order of magnitude only.
       CASE WHEN c.sampled_rows > 0
            THEN round(p.estimated_rows * (c.differing_rows + c.extra_rows + coalesce(c.missing_rows, 0))::numeric / c.sampled_rows)::bigint
       END AS estimated_drifted_rows
  FROM plan p
  LEFT JOIN counted c USING (entity)
 ORDER BY p.entity;
