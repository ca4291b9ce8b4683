-- ---
-- title: Add a missing index without blocking writes
-- description: >-
--   Builds an index on one column with CREATE INDEX CONCURRENTLY: reads and writes of the table
--   go on while it builds (it takes longer than a plain CREATE INDEX and cannot run inside a
--   transaction block). It first waits for transactions already running on the table to end.
--   For a lookup column of a tv_ table (fk_<x>) an index on that column alone is enough:
--   pg_tviews counts any index leading with the column. Do not use a name pg_tviews reserves
--   on TVIEWs (idx_<table>_<column>_<key>, idx_<table>_id…): it refuses it (42939) unless the
--   statement is exactly its own, as troubleshoot/missing-indexes gives it. Then the index is
--   shown: valid must be t. An index left invalid (the build failed or was cancelled) is
--   useless but still slows writes: drop it with troubleshoot/drop-index and run this again.
-- safety: writes
-- privileges:
--   - owner of the table (or a superuser)
-- params:
--   schema:
--     kind: identifier
--     description: the table's schema, the part before the dot in missing-indexes' table_name (e.g. public)
--     value: public
--   table:
--     kind: identifier
--     description: the table to index (e.g. tv_comment)
--     value: tv_comment
--   column:
--     kind: identifier
--     description: the column to index (e.g. fk_post)
--     value: fk_post
--   index_name:
--     kind: identifier
--     description: the new index's name, at most 63 characters (e.g. idx_tv_comment_fk_post)
--     value: idx_tv_comment_fk_post
-- expect:
--   columns: [index_name, table_name, definition, valid, size]
--   rows: { min: 1, max: 1 }
--   output: ['\bt\b']
-- timeout: 30min
-- ---
\set ON_ERROR_STOP on
CREATE INDEX CONCURRENTLY IF NOT EXISTS :"index_name" ON :"schema".:"table" (:"column");

-- The index's name, quoted as an identifier, as a value to look it up by.
\set new_index :"schema".:"index_name"
SELECT i.indexrelid::regclass::text AS index_name,
       i.indrelid::regclass::text AS table_name,
       pg_get_indexdef(i.indexrelid) AS definition,
       i.indisvalid AS valid,
       pg_size_pretty(pg_relation_size(i.indexrelid)) AS size
  FROM pg_index i
 WHERE i.indexrelid = to_regclass(:'new_index');
