-- ---
-- title: pg_tviews' own health check, with what to do for each problem
-- description: >-
--   Runs tviews.pg_tviews_health_check() (one row per component: extension, jsonb_delta,
--   catalog, metadata, reregister, triggers, tviews), problems first, and adds the next
--   step for each. It checks the catalog and the triggers; it does not compare any rows, so
--   OK here does not mean the TVIEWs hold the right data (the drift checks do that).
--   Takes milliseconds, also on large databases.
-- safety: read-only
-- privileges:
--   - any role that can connect (USAGE on schema tviews is granted to PUBLIC)
-- expect:
--   columns: [status, component, message, next_step]
--   rows: { min: 7 }
--   output: ['All triggers properly linked']
-- timeout: 10s
-- ---
SELECT h.status,
       h.component,
       h.message,
       CASE
           WHEN h.status = 'OK' THEN ''
           WHEN h.component = 'jsonb_delta' THEN 'none: optional extension; pg_tviews works without it (slower cascades)'
           WHEN h.component = 'catalog' THEN 'the library and the installed SQL differ: ALTER EXTENSION pg_tviews UPDATE, then run this again'
           WHEN h.component = 'metadata' THEN 'a registered TVIEW lost its table: step "Orphaned metadata"'
           WHEN h.component = 'reregister' THEN 'SELECT tviews.pg_tviews_reregister(<entity>) for each TVIEW listed by health/tview-catalog as NEEDS_REREGISTER'
           WHEN h.component = 'triggers' AND h.message LIKE '%orphaned trigger%' THEN 'triggers left by a TVIEW that is no longer registered: step "Orphaned triggers" (pg_tviews_reregister_all does not remove them)'
           WHEN h.component = 'triggers' THEN 'a TVIEW lost a trigger: step "Missing triggers"'
           ELSE 'read the message; see the Escalation section'
       END AS next_step
  FROM tviews.pg_tviews_health_check() AS h
 ORDER BY CASE h.status WHEN 'ERROR' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END, h.component;
