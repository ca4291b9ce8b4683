-- ---
-- title: Corpus snippet
-- description: Rebuilds an index in place; it blocks writes to its table while it runs.
-- safety: writes
-- privileges: [owner of the table]
-- params:
--   index_name: {kind: identifier, description: the index to rebuild, value: tv_post_pkey}
-- ---
\set ON_ERROR_STOP on
-- The header says what it locks, but nothing bounds the wait for the lock.
-- expect-next-line: squawk/require-concurrent-reindex
REINDEX INDEX :"index_name";
