-- ---
-- title: Gather fresh planner statistics for one table
-- description: >-
--   ANALYZE of one table (a TVIEW table right after a full refresh, or a source table after
--   a bulk load): it reads a sample of 30,000 rows per default_statistics_target of 100
--   (seconds on millions of rows), does not block reads or writes, and may run inside a
--   transaction. Then shows what the planner now knows: its row count, and per column the
--   number of distinct values, the most common value with its share, and the average stored
--   width (for data: the size of a document as stored, compressed or not).
-- safety: writes
-- privileges:
--   - owner of the table (or a superuser); on PostgreSQL 17 and later also MAINTAIN on the table or membership in pg_maintain
-- params:
--   schema:
--     kind: identifier
--     description: the table's schema (e.g. public)
--     value: public
--   table:
--     kind: identifier
--     description: the table to analyze (e.g. tv_comment)
--     value: tv_comment
-- expect:
--   columns: [table_name, planner_rows, column_name, distinct_values, most_common_value, most_common_share, avg_width]
--   rows: { min: 1 }
-- timeout: 30min
-- ---
\set ON_ERROR_STOP on
ANALYZE :"schema".:"table";

-- The table's name, quoted as an identifier, as a value to look it up by.
\set analyzed_table :"schema".:"table"
SELECT c.oid::regclass::text AS table_name,
       c.reltuples::bigint AS planner_rows,
       s.attname AS column_name,
       CASE WHEN s.n_distinct < 0 THEN round(-s.n_distinct * c.reltuples) ELSE s.n_distinct END::bigint AS distinct_values,
       left((s.most_common_vals::text::text[])[1], 40) AS most_common_value,
       round(s.most_common_freqs[1]::numeric, 4) AS most_common_share,
       s.avg_width
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname
 WHERE c.oid = to_regclass(:'analyzed_table')
 ORDER BY s.attname;
