-- ---
-- title: Update pg_tviews' catalog in this database to the installed release
-- description: >-
--   Runs ALTER EXTENSION pg_tviews UPDATE: the update scripts from the installed release to the
--   package's, in one transaction. For 0.1.0-beta.34 they drop the created_at / updated_at
--   columns pg_tviews added to every TVIEW table and re-derive every TVIEW, which takes an
--   ACCESS EXCLUSIVE lock on each TVIEW table until the end: readers and writers of the TVIEWs
--   wait meanwhile. lock_timeout bounds each wait for a lock, so the update fails (and changes
--   nothing) instead of queueing everyone behind a long transaction. Any failure rolls the
--   whole update back; a refusal names the object to fix. On the release already installed
--   it does nothing (NOTICE: version … already installed). Then shows the versions and the
--   catalog revision. Run it in every database that has pg_tviews, right after the restart
--   that loaded the new library.
-- safety: destructive
-- changes: >-
--   Moves this database's pg_tviews catalog to the installed release; for 0.1.0-beta.34 drops the
--   created_at / updated_at columns of every TVIEW table, with their values.
-- undo: >-
--   No update script goes back to an earlier release, and the earlier library refuses the newer
--   catalog: going back means restoring the backup taken before the upgrade, with the earlier
--   package. A failed update needs no undo: nothing of it is left.
-- privileges:
--   - the extension's owner or a superuser (the update alters tables pg_tviews created)
-- params:
--   lock_timeout:
--     kind: literal
--     description: how long the update may wait for each lock before it gives up (e.g. 10s)
--     value: 10s
-- expect:
--   columns: [version_before, version_after, library_version, catalog_revision, tviews, needs_reregister]
--   rows: { min: 1, max: 1 }
-- timeout: 60min
-- ---
\set ON_ERROR_STOP on
SELECT e.extversion AS version_before FROM pg_extension e WHERE e.extname = 'pg_tviews'
\gset
SET lock_timeout = :'lock_timeout';
ALTER EXTENSION pg_tviews UPDATE;
RESET lock_timeout;

SELECT :'version_before' AS version_before,
       e.extversion AS version_after,
       tviews.pg_tviews_version() AS library_version,
       tviews.pg_tviews_catalog_revision() AS catalog_revision,
       (SELECT count(*) FROM tviews.registry) AS tviews,
       (SELECT count(*) FROM tviews.registry r WHERE r.needs_reregister) AS needs_reregister
  FROM pg_extension e
 WHERE e.extname = 'pg_tviews';
