-- ---
-- title: Run one bulk write with TVIEW maintenance suspended, caught up at COMMIT
-- description: >-
--   Runs the SQL file write_file inside one transaction that first calls
--   pg_tviews_suspend_triggers(): its writes queue no refresh, so a bulk change that would
--   refresh too many rows one by one (or fail on max_queue_size or max_refresh_rows, 54000)
--   goes through as plain writes. Before committing it lists the TVIEWs the writes touched;
--   the explicit COMMIT then rebuilds each of them, and the TVIEWs that read them, in full
--   (one full refresh each, under ACCESS EXCLUSIVE until the commit ends, so their readers
--   wait). Only this transaction is suspended: every other session keeps maintaining the
--   TVIEWs. write_file must hold plain statements, no BEGIN, COMMIT or DO block that commits.
--   If anything fails, psql stops and the whole transaction, writes included, is rolled
--   back. lock_timeout bounds the wait for the TVIEWs' locks at the catch-up.
-- safety: destructive
-- changes: >-
--   Suspends pg_tviews for this one transaction: its writes reach no TVIEW until its COMMIT
--   rebuilds every TVIEW they touched, in full, locking each against readers meanwhile.
-- undo: >-
--   Before the COMMIT, stop psql (Ctrl-C) and the whole transaction is rolled back. After it,
--   the TVIEWs equal their views and need nothing; the bulk write itself is undone only by
--   writing the old values back (with the TVIEWs maintained as usual).
-- privileges:
--   - what write_file's statements need, and the owner of the TVIEWs rebuilt at commit (or a superuser)
-- params:
--   write_file:
--     kind: literal
--     description: path of the SQL file with the bulk write, without spaces (e.g. ./fix-prices.sql), relative to where psql runs
--     value: /dev/null
--   lock_timeout:
--     kind: literal
--     description: how long the catch-up at COMMIT may wait for the TVIEWs' locks (e.g. 10s); on timeout the whole transaction is rolled back
--     value: 10s
-- expect:
--   columns: [suspended, tviews_to_rebuild_at_commit, also_rebuilt]
--   rows: { min: 1, max: 1 }
-- timeout: 30min
-- ---
\set ON_ERROR_STOP on
\pset footer off
BEGIN;
SET LOCAL lock_timeout = :'lock_timeout';
SET LOCAL jit = off;
SELECT tviews.pg_tviews_suspend_triggers();

\i :write_file

-- What the COMMIT below will rebuild: the TVIEWs the writes touched, and those reading them.
SELECT tviews.pg_tviews_is_suspended() AS suspended,
       coalesce(array_to_string(tviews.pg_tviews_suspended_entities(), ', '), '') AS tviews_to_rebuild_at_commit,
       coalesce((SELECT string_agg(DISTINCT p.entity, ', ')
                   FROM unnest(tviews.pg_tviews_suspended_entities()) AS e
                  CROSS JOIN LATERAL tviews.pg_tviews_show_cascade_path(e) p
                  WHERE p.depth > 0 AND p.entity <> ALL (tviews.pg_tviews_suspended_entities())), '') AS also_rebuilt;
\timing on
COMMIT;
\timing off
