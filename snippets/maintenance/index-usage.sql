-- ---
-- title: Indexes of the TVIEW tables, whose they are and how often they are used
-- description: >-
--   One row per index of every TVIEW table: what it is (the primary key, a lookup index
--   pg_tviews needs to find the rows to refresh when an embedded row changes, another index
--   pg_tviews manages, or one of yours), its columns, how many scans used it since the
--   statistics were reset and when it was last used, its size, and whether it is valid. An
--   index never scanned may still be needed: pg_tviews' lookup indexes are read only when a
--   parent row changes, and a unique index enforces its rule without being scanned. An invalid
--   index (left by a failed CREATE INDEX or REINDEX CONCURRENTLY, named …_ccnew or …_ccold)
--   helps no query but slows every write. Reads the catalog and statistics: milliseconds.
-- safety: read-only
-- privileges:
--   - any role that can connect (pg_index and pg_stat_all_indexes are readable by all)
-- expect:
--   columns: [tview, index_name, kind, columns, scans, last_scan, size, valid, note]
--   rows: { min: 1 }
-- timeout: 10s
-- ---
WITH tview AS (
    SELECT r.entity, r.name, r.managed_indexes, r."references",
           to_regclass(format('%I.%I', r.schema, r.name)) AS relid
      FROM tviews.registry r
     WHERE r.schema IS NOT NULL
),
ix AS (
    SELECT t.name AS tview, t.managed_indexes, t."references", i.indexrelid, i.indisprimary, i.indisunique, i.indisvalid,
           (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[0]) AS leading_column,
           (SELECT string_agg(coalesce(a.attname, '(expression)'), ', ' ORDER BY k.n)
              FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
              LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0) AS columns
      FROM tview t
      JOIN pg_index i ON i.indrelid = t.relid
)
SELECT x.tview,
       x.indexrelid::regclass::text AS index_name,
       CASE WHEN x.indisprimary THEN 'primary key'
            WHEN x."references" ? x.leading_column THEN 'pg_tviews lookup on ' || x.leading_column
            WHEN x.indexrelid = ANY (x.managed_indexes::oid[]) THEN 'pg_tviews'
            ELSE 'yours' END AS kind,
       x.columns,
       s.idx_scan AS scans,
       date_trunc('second', s.last_idx_scan) AS last_scan,
       pg_size_pretty(pg_relation_size(x.indexrelid)) AS size,
       x.indisvalid AS valid,
       CASE WHEN NOT x.indisvalid THEN 'INVALID: drop it (troubleshoot/drop-index) and build it again if it is needed'
            WHEN x.indisprimary OR x.indisunique THEN ''
            WHEN x."references" ? x.leading_column THEN 'keep: pg_tviews reads it when a ' || (x."references" -> x.leading_column ->> 'entity') || ' row changes'
            WHEN s.idx_scan = 0 AND x.indexrelid = ANY (x.managed_indexes::oid[]) THEN 'pg_tviews'' own: keep'
            WHEN s.idx_scan = 0 THEN 'never used since ' || coalesce((SELECT d.stats_reset::date::text FROM pg_stat_database d WHERE d.datname = current_database()), 'the statistics began') || ': ask its owners before dropping it'
            ELSE '' END AS note
  FROM ix x
  JOIN pg_class c ON c.oid = x.indexrelid
  JOIN pg_stat_all_indexes s ON s.indexrelid = x.indexrelid
 ORDER BY x.tview, x.indisprimary DESC, index_name;
