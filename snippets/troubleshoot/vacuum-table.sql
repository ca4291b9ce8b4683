-- ---
-- title: Vacuum and analyze one bloated table
-- description: >-
--   VACUUM (ANALYZE) makes the space of dead rows reusable and refreshes the planner's
--   statistics, so the views a refresh runs, and pg_tviews' lookups, read fewer pages and get
--   better plans. It does not lock out reads or writes (unlike VACUUM FULL, which rewrites the
--   table under an ACCESS EXCLUSIVE lock: not for a live system). It cannot run inside a
--   transaction block; it reads the whole table and takes time and I/O in proportion. Then the
--   table's dead rows are shown again.
-- safety: writes
-- privileges:
--   - owner of the table, or a superuser; on PostgreSQL 17 and later also MAINTAIN on the table or membership in pg_maintain
-- params:
--   schema:
--     kind: identifier
--     description: the table's schema (e.g. public)
--     value: public
--   bloated_table:
--     kind: identifier
--     description: the table to vacuum, the table_name column of troubleshoot/table-health (e.g. tb_comment)
--     value: tb_comment
-- expect:
--   columns: [table_name, live_rows, dead_rows, last_vacuum]
--   rows: { min: 1, max: 1 }
-- timeout: 30min
-- ---
\set ON_ERROR_STOP on
VACUUM (ANALYZE) :"schema".:"bloated_table";

-- The table's name, quoted as an identifier, as a value to look it up by.
\set vacuumed_table :"schema".:"bloated_table"
SELECT relid::regclass::text AS table_name,
       n_live_tup AS live_rows,
       n_dead_tup AS dead_rows,
       date_trunc('second', greatest(last_vacuum, last_autovacuum)) AS last_vacuum
  FROM pg_stat_user_tables
 WHERE relid = to_regclass(:'vacuumed_table');
