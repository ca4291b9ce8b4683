-- ---
-- title: Bloat of each TVIEW table and its indexes (exact with pgstattuple, else estimated)
-- description: >-
--   One row per TVIEW table and per B-tree index on it: its size, the share of it holding
--   live rows, dead rows and free space, and the bytes that are bloat, that is space beyond
--   what the same rows would take freshly written (TVIEW tables are filled to 85 % by design,
--   pg_tviews' fillfactor, so 15 % free space in a table is not bloat; a fresh B-tree index
--   is 90 % full). With pgstattuple installed in this database it reads every page of every
--   table and index and the figures are exact (method pgstattuple); this takes as long as
--   reading the TVIEWs. Without it, or without the privilege to call it, the same columns are
--   estimated from the planner's statistics (method estimate), in milliseconds: good to a
--   few percent on tables, rougher on indexes, and impossible (NULL) for a table not analyzed
--   since its last full refresh. Dead rows become free space at the next VACUUM; free space in
--   the middle of a table and index bloat are only given back by a rewrite (a full refresh of
--   the TVIEW, REINDEX, VACUUM FULL).
-- safety: read-only
-- privileges:
--   - for exact figures, pgstattuple installed in this database (maintenance/install-pgstattuple) and a superuser or a member of pg_stat_scan_tables; otherwise any role that can connect
-- expect:
--   columns: [tview, object, kind, size, live_pct, dead_pct, free_pct, bloat_pct, bloat, bloat_bytes, method]
--   rows: { min: 1 }
-- timeout: 30min
-- ---
-- bloat_pct: the share of the object that a rewrite would give back. Above about 30 % on a
-- large table or index, reclaim it (the runbook says how); dead_pct alone is VACUUM's job.
SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgstattuple')
       AND ((SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR pg_has_role('pg_stat_scan_tables', 'USAGE')) AS exact
\gset
\if :exact
WITH tview AS (
    SELECT r.name, to_regclass(format('%I.%I', r.schema, r.name)) AS relid
      FROM tviews.registry r
     WHERE r.schema IS NOT NULL
),
fill AS (
    SELECT t.name, t.relid,
           coalesce((SELECT split_part(o, '=', 2)::int FROM pg_class c, unnest(c.reloptions) o
                      WHERE c.oid = t.relid AND o LIKE 'fillfactor=%'), 100) AS fillfactor
      FROM tview t
),
measured AS (
    SELECT f.name AS tview, f.relid::text AS object, 'table' AS kind, s.table_len AS bytes,
           s.tuple_percent AS live_pct, s.dead_tuple_percent AS dead_pct, s.free_percent AS free_pct,
           -- Live rows fill fillfactor % of a freshly written page: the rest is expected.
           greatest(100 - s.tuple_percent * 100.0 / f.fillfactor, 0) AS bloat_pct
      FROM fill f
      CROSS JOIN LATERAL pgstattuple(f.relid) s
    UNION ALL
    SELECT f.name, i.indexrelid::regclass::text, 'index', s.index_size,
           s.avg_leaf_density, NULL, 100 - s.avg_leaf_density,
           -- A fresh B-tree leaf is filled to its fillfactor (90 by default).
           CASE WHEN s.leaf_pages > 0
                THEN greatest(100 - s.avg_leaf_density * 100.0 / coalesce((SELECT split_part(o, '=', 2)::int FROM pg_class c, unnest(c.reloptions) o
                                                                            WHERE c.oid = i.indexrelid AND o LIKE 'fillfactor=%'), 90), 0) END
      FROM fill f
      JOIN pg_index i ON i.indrelid = f.relid
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
      CROSS JOIN LATERAL pgstatindex(i.indexrelid) s
     WHERE i.indisvalid
)
SELECT m.tview, m.object, m.kind,
       pg_size_pretty(m.bytes) AS size,
       round(m.live_pct::numeric, 1) AS live_pct,
       round(m.dead_pct::numeric, 1) AS dead_pct,
       round(m.free_pct::numeric, 1) AS free_pct,
       round(m.bloat_pct::numeric, 1) AS bloat_pct,
       pg_size_pretty((m.bytes * m.bloat_pct / 100)::bigint) AS bloat,
       (m.bytes * m.bloat_pct / 100)::bigint AS bloat_bytes,
       'pgstattuple' AS method
  FROM measured m
 ORDER BY m.bytes * m.bloat_pct DESC NULLS LAST, m.object;
\else
-- Estimate: the bytes the live rows need (their average stored width from pg_stats, a 24-byte
-- row header and a 4-byte line pointer each, pages filled to the fillfactor) against the
-- pages the table or index has.
WITH tview AS (
    SELECT r.name, to_regclass(format('%I.%I', r.schema, r.name)) AS relid
      FROM tviews.registry r
     WHERE r.schema IS NOT NULL
),
tables AS (
    SELECT t.name AS tview, c.oid, c.relpages, c.reltuples::numeric AS reltuples, s.n_live_tup, s.n_dead_tup,
           coalesce((SELECT split_part(o, '=', 2)::int FROM unnest(c.reloptions) o WHERE o LIKE 'fillfactor=%'), 100) AS fillfactor,
           (SELECT sum(st.avg_width) FROM pg_stats st
             WHERE st.schemaname = c.relnamespace::regnamespace::text AND st.tablename = c.relname)::numeric AS row_width
      FROM tview t
      JOIN pg_class c ON c.oid = t.relid
      JOIN pg_stat_all_tables s ON s.relid = c.oid
),
estimated AS (
    SELECT t.tview, t.oid::regclass::text AS object, 'table' AS kind, t.relpages::bigint * current_setting('block_size')::int AS bytes,
           100.0 * t.reltuples * (t.row_width + 28) / nullif(t.relpages::numeric * current_setting('block_size')::int, 0) AS live_pct,
           -- Dead rows (from the statistics' count) are as wide as live ones.
           100.0 * t.n_dead_tup * (t.row_width + 28) / nullif(t.relpages::numeric * current_setting('block_size')::int, 0) AS dead_pct,
           t.reltuples * (t.row_width + 28) / (current_setting('block_size')::int * t.fillfactor / 100.0) AS needed_pages,
           t.relpages, t.reltuples
      FROM tables t
    UNION ALL
    -- An index entry: 8-byte header, 4-byte line pointer, the key columns' widths rounded up to 8.
    SELECT t.tview, i.indexrelid::regclass::text, 'index', ic.relpages::bigint * current_setting('block_size')::int,
           NULL, NULL,
           t.reltuples * (12 + ceil(coalesce((SELECT sum(st.avg_width) FROM unnest(i.indkey) k(attnum)
                                               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                                               JOIN pg_stats st ON st.schemaname = c.relnamespace::regnamespace::text
                                                               AND st.tablename = c.relname AND st.attname = a.attname), 8) / 8.0) * 8)
               / (current_setting('block_size')::int * 0.9) + 1,
           ic.relpages, t.reltuples
      FROM tables t
      JOIN pg_class c ON c.oid = t.oid
      JOIN pg_index i ON i.indrelid = t.oid AND i.indisvalid
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
)
SELECT e.tview, e.object, e.kind,
       pg_size_pretty(e.bytes) AS size,
       round(e.live_pct, 1) AS live_pct,
       round(e.dead_pct, 1) AS dead_pct,
       CASE WHEN e.kind = 'table' THEN round(greatest(100 - e.live_pct - coalesce(e.dead_pct, 0), 0), 1) END AS free_pct,
       CASE WHEN e.reltuples >= 0 AND e.relpages > 0 THEN round(greatest(100 - 100.0 * e.needed_pages / e.relpages, 0), 1) END AS bloat_pct,
       CASE WHEN e.reltuples >= 0 AND e.relpages > 0 THEN pg_size_pretty(greatest(e.relpages - e.needed_pages, 0)::bigint * current_setting('block_size')::int) END AS bloat,
       CASE WHEN e.reltuples >= 0 AND e.relpages > 0 THEN greatest(e.relpages - e.needed_pages, 0)::bigint * current_setting('block_size')::int END AS bloat_bytes,
       CASE WHEN e.reltuples < 0 THEN 'estimate impossible: not analyzed since filled (maintenance/analyze-tview)'
            ELSE 'estimate' END AS method
  FROM estimated e
 ORDER BY bloat_bytes DESC NULLS LAST, e.object;
\endif
