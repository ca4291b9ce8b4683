-- ---
-- title: Rebuild one index without blocking reads and writes
-- description: >-
--   REINDEX INDEX CONCURRENTLY builds a fresh copy of the index beside the old one while
--   reads and writes go on, then swaps them and drops the old one: the space of a bloated
--   index is given back. It waits for the transactions already using the table (at the start
--   and at the swap), needs room for a second copy of the index meanwhile, takes longer than
--   a plain REINDEX, and cannot run inside a transaction block. pg_tviews keeps knowing its
--   own indexes across it (tviews.registry.managed_indexes). If it fails or is cancelled, it
--   leaves an INVALID index named …_ccnew (maintenance/index-usage lists it): drop that with
--   troubleshoot/drop-index and run this again. Then shows the index.
-- safety: writes
-- privileges:
--   - owner of the table (or a superuser); on PostgreSQL 17 and later also MAINTAIN on the table or membership in pg_maintain
-- params:
--   schema:
--     kind: identifier
--     description: the index's schema (e.g. public)
--     value: public
--   index_name:
--     kind: identifier
--     description: the index to rebuild, from maintenance/index-usage or maintenance/tview-bloat (e.g. idx_tv_comment_fk_post_pk_comment)
--     value: idx_tv_comment_fk_post_pk_comment
-- expect:
--   columns: [index_name, table_name, size, valid]
--   rows: { min: 1, max: 1 }
--   output: ['\bt\b']
-- timeout: 60min
-- ---
\set ON_ERROR_STOP on
REINDEX INDEX CONCURRENTLY :"schema".:"index_name";

-- The index's name, quoted as an identifier, as a value to look it up by.
\set rebuilt_index :"schema".:"index_name"
SELECT i.indexrelid::regclass::text AS index_name,
       i.indrelid::regclass::text AS table_name,
       pg_size_pretty(pg_relation_size(i.indexrelid)) AS size,
       i.indisvalid AS valid
  FROM pg_index i
 WHERE i.indexrelid = to_regclass(:'rebuilt_index');
