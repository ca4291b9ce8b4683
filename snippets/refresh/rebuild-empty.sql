-- ---
-- title: Refill the TVIEWs a crash restart or a failover left empty
-- description: >-
--   TVIEW tables are UNLOGGED by default: a crash restart or a promotion empties them while
--   their views still return rows. pg_tviews_replication_status() says which TVIEWs are in that
--   state (needs_rebuild); pg_tviews_rebuild_all() with its default only_empty => true refills
--   exactly those, dependencies first, with INSERT only: no TRUNCATE, no ACCESS EXCLUSIVE lock,
--   readers are never blocked. It returns each TVIEW it refilled with its row count; no rows
--   means none needed it. Not for a TVIEW that is merely out of date: use refresh/refresh-one.
-- safety: writes
-- privileges:
--   - owner of the tv_ tables (or INSERT on them), or a superuser
--   - SELECT on the v_ views and the tables they read
-- expect:
--   columns: [entity, rows]
--   rows: { min: 0 }
-- timeout: 10min
-- ---
\set ON_ERROR_STOP on

-- Before: which TVIEWs are empty while their view is not (needs_rebuild = t).
SELECT entity, persistence, is_empty, needs_rebuild
  FROM tviews.pg_tviews_replication_status()
 ORDER BY entity;

SELECT entity, rows
  FROM tviews.pg_tviews_rebuild_all();
