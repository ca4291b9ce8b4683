-- ---
-- title: TVIEWs in dependency order, with their sources and size
-- description: >-
--   One row per TVIEW, in the order to refresh them: level 0 depends on no other TVIEW, and
--   every TVIEW comes after all those it depends on. The dependencies are pg_tviews' own:
--   pg_tviews_show_cascade_path(entity) lists, for each TVIEW, the TVIEWs that depend on it
--   (through their fk_<entity> columns) and at what depth; a TVIEW's level is the longest such
--   chain leading to it. depends_on lists the TVIEWs it depends on directly, source_tables the
--   tables its view reads (tviews.registry), estimated_rows the planner's count.
-- safety: read-only
-- privileges:
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- expect:
--   columns: [level, entity, depends_on, source_tables, estimated_rows, total_size]
--   rows: { min: 1 }
-- timeout: 10s
-- ---
-- pg_tviews' set-returning functions are planned at 1,000 rows a call, which makes this
-- catalog query look expensive enough for JIT compilation: 0.6 s spent compiling a 2 ms query.
SET jit = off;

WITH chain AS (
    -- Every (dependent, dependency, depth) pg_tviews reports, starting from every TVIEW.
    SELECT p.depth, p.entity_name, p.depends_on
      FROM tviews.registry r
     CROSS JOIN LATERAL tviews.pg_tviews_show_cascade_path(r.entity) p
)
SELECT coalesce((SELECT max(ch.depth) FROM chain ch WHERE ch.entity_name = r.entity), 0) AS level,
       r.entity,
       coalesce((SELECT string_agg(DISTINCT ch.depends_on, ', ')
                   FROM chain ch
                  WHERE ch.entity_name = r.entity AND ch.depth > 0), '') AS depends_on,
       array_to_string(r.base_tables, ', ') AS source_tables,
       -- reltuples is unknown (-1) from a refresh (a TRUNCATE) until the next ANALYZE
       coalesce(CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END,
                (SELECT s.n_live_tup FROM pg_stat_user_tables s WHERE s.relid = c.oid)) AS estimated_rows,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size
  FROM tviews.registry r
  LEFT JOIN pg_class c ON c.oid = CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END
 ORDER BY level, r.entity;
