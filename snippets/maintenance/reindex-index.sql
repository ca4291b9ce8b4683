-- ---
-- title: Rebuild one index in place (blocks writes to its table while it runs)
-- description: >-
--   Plain REINDEX INDEX: faster than the CONCURRENTLY form and needs no room for a second
--   copy, but until it ends it blocks every write to the table (and so every write to a source
--   table whose refresh reaches this TVIEW) and every query that would use the index. For a
--   small index (seconds), a maintenance window, or an index whose CONCURRENTLY rebuild keeps
--   failing. lock_timeout bounds the wait for the lock, so it fails instead of queueing every
--   writer behind a long transaction. Then shows the index.
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
--     description: the index to rebuild (e.g. idx_tv_comment_fk_post_pk_comment)
--     value: idx_tv_comment_fk_post_pk_comment
--   lock_timeout:
--     kind: literal
--     description: how long to wait for the table's lock before giving up (e.g. 5s)
--     value: 5s
-- expect:
--   columns: [index_name, table_name, size, valid]
--   rows: { min: 1, max: 1 }
-- timeout: 60min
-- ---
\set ON_ERROR_STOP on
SET lock_timeout = :'lock_timeout';
REINDEX INDEX :"schema".:"index_name";
RESET lock_timeout;

-- The index's name, quoted as an identifier, as a value to look it up by.
\set rebuilt_index :"schema".:"index_name"
SELECT i.indexrelid::regclass::text AS index_name,
       i.indrelid::regclass::text AS table_name,
       pg_size_pretty(pg_relation_size(i.indexrelid)) AS size,
       i.indisvalid AS valid
  FROM pg_index i
 WHERE i.indexrelid = to_regclass(:'rebuilt_index');
