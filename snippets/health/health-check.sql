-- ---
-- title: pg_tviews' own health check, with what to do for each problem
-- description: >-
--   Runs tviews.pg_tviews_health_check() (one row per component: extension, jsonb_delta,
--   catalog, metadata, plans, reregister, triggers, tviews), problems first, and adds the
--   next step for each. It checks that the library matches the installed SQL, that every
--   registration has its table and a propagation plan that reads, and pg_tviews' triggers
--   (missing, disabled or orphaned, by trigger function). It compares no rows, and misses a
--   missing backing view and a dropped delta trigger of one event: health/tview-catalog and
--   health/trigger-problems cover those. Takes milliseconds, also on large databases.
-- safety: read-only
-- privileges:
--   - any role that can connect (USAGE on schema tviews is granted to PUBLIC)
-- expect:
--   columns: [status, component, message, next_step]
--   rows: { min: 8 }
--   output: ['All triggers properly linked', 'Every propagation plan reads']
-- timeout: 10s
-- ---
SELECT h.status,
       h.component,
       h.message,
       CASE
           WHEN h.status = 'OK' THEN ''
           WHEN h.component = 'jsonb_delta' THEN 'none: optional extension; pg_tviews works without it'
           WHEN h.component = 'catalog' THEN 'the library and the installed SQL differ: ALTER EXTENSION pg_tviews UPDATE (then a restart if the message says so), then run this again'
           WHEN h.component = 'metadata' THEN 'a registered TVIEW lost its table, and writes to its source tables fail: step "Orphaned metadata"'
           WHEN h.component = 'plans' THEN 'writes to every TVIEW''s source tables fail: SELECT tviews.pg_tviews_reregister(<entity>) for each TVIEW named, now (step "Unreadable plans")'
           WHEN h.component = 'reregister' THEN 'SELECT * FROM tviews.pg_tviews_reregister_all() (step "Re-registration")'
           WHEN h.component = 'triggers' THEN concat_ws('; ',
               CASE WHEN h.message LIKE '%disabled trigger%' THEN 'disabled: step "Disabled triggers"' END,
               CASE WHEN h.message LIKE '%missing trigger%' THEN 'missing: step "Missing triggers"' END,
               CASE WHEN h.message LIKE '%orphaned trigger%' THEN 'orphaned (their TVIEW is no longer registered): step "Orphaned triggers"' END,
               CASE WHEN h.message LIKE '%without an entity%' THEN 'untagged: SELECT * FROM tviews.pg_tviews_reregister_all()' END)
           ELSE 'read the message; see the Escalation section'
       END AS next_step
  FROM tviews.pg_tviews_health_check() AS h
 ORDER BY CASE h.status WHEN 'ERROR' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END, h.component;
