-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus; the refresh locks the TVIEWs it rebuilds, lock_timeout bounds the wait.
-- safety: writes
-- privileges: [pg_read_all_stats]
-- params:
--   entity: {kind: literal, description: the TVIEW entity, value: post}
-- ---
SET lock_timeout = '5s';
SELECT tviews.pg_tviews_refresh(:'entity');
RESET lock_timeout;
