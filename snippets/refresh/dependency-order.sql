-- ---
-- title: TVIEWs in dependency order, what each refresh also rebuilds, and their size
-- description: >-
--   One row per TVIEW, in the order to refresh them: level 0 reads no other TVIEW, and every
--   TVIEW comes after all those it reads. The dependencies are pg_tviews' own:
--   pg_tviews_show_cascade_path(tview) lists the TVIEWs that read a TVIEW, transitively, with
--   their depth. depends_on lists the TVIEWs it reads directly; also_rebuilds the TVIEWs that
--   pg_tviews_refresh of this one rebuilds and locks with it (its readers, transitively);
--   source_tables the tables its backing view reads (tviews.registry); estimated_rows and
--   total_size how large it is, which says how long its refresh will take.
-- safety: read-only
-- privileges:
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews); the catalogs are readable by all
-- expect:
--   columns: [level, entity, depends_on, also_rebuilds, source_tables, estimated_rows, total_size]
--   rows: { min: 1 }
-- timeout: 10s
-- ---
-- pg_tviews' set-returning functions are planned at 1,000 rows a call, which makes this
-- catalog query look expensive enough for JIT compilation, slower than running it.
SET jit = off;

WITH chain AS (
    -- Every (reader, TVIEW read, depth) pg_tviews reports, starting from every TVIEW.
    SELECT r.entity AS root, p.depth, p.entity, p.depends_on
      FROM tviews.registry r
     CROSS JOIN LATERAL tviews.pg_tviews_show_cascade_path(r.entity) p
)
SELECT coalesce((SELECT max(ch.depth) FROM chain ch WHERE ch.entity = r.entity), 0) AS level,
       r.entity,
       coalesce((SELECT string_agg(DISTINCT ch.depends_on, ', ')
                   FROM chain ch
                  WHERE ch.entity = r.entity AND ch.depth > 0), '') AS depends_on,
       coalesce((SELECT string_agg(DISTINCT ch.entity, ', ')
                   FROM chain ch
                  WHERE ch.root = r.entity AND ch.depth > 0), '') AS also_rebuilds,
       array_to_string(r.base_tables, ', ') AS source_tables,
       -- reltuples is unknown (-1) from a refresh (a TRUNCATE) until the next ANALYZE
       coalesce(CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END,
                (SELECT s.n_live_tup FROM pg_stat_user_tables s WHERE s.relid = c.oid)) AS estimated_rows,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size
  FROM tviews.registry r
  LEFT JOIN pg_class c ON c.oid = CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END
 ORDER BY level, r.entity;
