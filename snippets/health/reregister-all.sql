-- ---
-- title: Re-register every TVIEW (after an upgrade flags them needs_reregister)
-- description: >-
--   Calls tviews.pg_tviews_reregister_all(): every TVIEW's propagation plan is derived again
--   from its stored definition, dependencies first, and missing triggers are installed. It is
--   what pg_tviews' health check asks for when its reregister component warns (TVIEWs
--   registered by an older release, after ALTER EXTENSION pg_tviews UPDATE), and it also
--   repairs unreadable plans and missing triggers everywhere at once. One row per TVIEW with
--   its status: reregistered, or the reason pg_tviews refused it (that TVIEW keeps its old
--   registration and keeps refreshing). No rows are rewritten: refresh afterwards only the
--   TVIEWs a drift check reports. Installing a trigger briefly locks its table; lock_timeout
--   caps each wait at 5 s.
-- safety: writes
-- privileges:
--   - a superuser or the extension's owner, or EXECUTE on tviews.pg_tviews_reregister_all() granted by them (not granted to PUBLIC)
-- expect:
--   columns: [entity, status]
--   rows: { min: 1 }
--   output: ['reregistered']
-- timeout: 5min
-- ---
SET lock_timeout = '5s';

SELECT r.entity, r.status
  FROM tviews.pg_tviews_reregister_all() AS r;

RESET lock_timeout;
