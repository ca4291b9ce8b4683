-- ---
-- title: How big pg_tviews' audit log is, and what trimming it would remove
-- description: >-
--   One row about tviews.pg_tview_audit_log: whether pg_tviews writes to it in this session
--   (pg_tviews.audit_enabled, off by default), its rows and size, the oldest and newest entry,
--   the entries per operation, the entries of the last 24 hours (its growth rate), how many
--   are older than the cut-off date you would trim before, and whether pg_dump keeps its rows
--   (it does not: the table belongs to the extension and is not one of its configuration
--   tables, so a dump and restore starts it empty). With audit on, pg_tviews logs each TVIEW
--   creation and drop and, for every write statement, one REFRESH entry per TVIEW it
--   refreshed: the log grows with the application's writes. Reads the whole log.
-- safety: read-only
-- privileges:
--   - SELECT on tviews.pg_tview_audit_log (its owner, the extension's owner, or a superuser; pg_read_all_data)
-- params:
--   before:
--     kind: literal
--     description: the cut-off date maintenance/audit-log-trim would delete entries before (e.g. 2026-01-01)
--     value: "2026-01-01"
-- expect:
--   columns: [audit_enabled, entries, total_size, oldest, newest, by_operation, entries_last_24h, entries_before_cutoff, kept_by_pg_dump]
--   rows: { min: 1, max: 1 }
-- timeout: 5min
-- ---
SELECT current_setting('pg_tviews.audit_enabled') AS audit_enabled,
       count(a.log_id) AS entries,
       pg_size_pretty(pg_total_relation_size('tviews.pg_tview_audit_log')) AS total_size,
       date_trunc('second', min(a.performed_at)) AS oldest,
       date_trunc('second', max(a.performed_at)) AS newest,
       coalesce((SELECT string_agg(o.operation || ' ' || o.n, ', ' ORDER BY o.operation)
                   FROM (SELECT operation, count(*) AS n FROM tviews.pg_tview_audit_log GROUP BY operation) o), '') AS by_operation,
       count(a.log_id) FILTER (WHERE a.performed_at > now() - interval '24 hours') AS entries_last_24h,
       count(a.log_id) FILTER (WHERE a.performed_at < (:'before')::date) AS entries_before_cutoff,
       (SELECT 'tviews.pg_tview_audit_log'::regclass = ANY (e.extconfig) FROM pg_extension e WHERE e.extname = 'pg_tviews') AS kept_by_pg_dump
  FROM tviews.pg_tview_audit_log a;
