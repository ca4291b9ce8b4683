-- ---
-- title: Corpus snippet
-- description: >-
--   Rebuilds one index in place: it blocks writes to the table until it ends, which is
--   acceptable for a small index; lock_timeout bounds the wait for the lock.
-- safety: writes
-- privileges: [owner of the table]
-- params:
--   schema: {kind: identifier, description: the index's schema, value: public}
--   index_name: {kind: identifier, description: the index to rebuild, value: tv_post_pkey}
-- ---
\set ON_ERROR_STOP on
SET lock_timeout = '5s';
REINDEX INDEX :"schema".:"index_name";
RESET lock_timeout;
