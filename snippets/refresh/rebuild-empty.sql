-- ---
-- title: Refill the UNLOGGED TVIEWs a crash restart or a failover left empty
-- description: >-
--   TVIEWs are LOGGED by default and keep their rows through a crash; an UNLOGGED one (created
--   with logged false, or by a release before 0.1.0-beta.28) is emptied by a crash restart or a
--   promotion, and so is pg_tviews' record that its rows can be trusted (tviews.pg_tview_valid).
--   pg_tviews refills such TVIEWs by itself: a background worker after recovery
--   (pg_tviews.auto_rebuild_databases, every database by default), or else the first write
--   that reaches one. This refills them now. pg_tviews_replication_status() says which TVIEWs
--   are in that state (needs_rebuild); pg_tviews_rebuild_all() with its default only_empty =>
--   true refills exactly those, dependencies first, with INSERT only: no TRUNCATE, no ACCESS
--   EXCLUSIVE lock, readers are never blocked. It returns each TVIEW it refilled with the rows
--   it inserted; no rows means none needed it. Not for a TVIEW that is merely out of date: use
--   refresh/refresh-one.
-- safety: writes
-- privileges:
--   - a superuser or the extension's owner, or EXECUTE on tviews.pg_tviews_rebuild_all() granted by them (not granted to PUBLIC)
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- expect:
--   columns: [entity, rows_inserted]
--   rows: { min: 0 }
-- timeout: 10min
-- ---
\set ON_ERROR_STOP on

-- Before: which TVIEWs are UNLOGGED and were reset (needs_rebuild = t).
SELECT entity, persistence, is_empty, needs_rebuild
  FROM tviews.pg_tviews_replication_status()
 ORDER BY entity;

SELECT entity, rows_inserted
  FROM tviews.pg_tviews_rebuild_all();
