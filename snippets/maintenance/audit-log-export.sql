-- ---
-- title: Export the audit entries older than a date (before trimming them)
-- description: >-
--   Every entry of tviews.pg_tview_audit_log performed before the cut-off date, oldest first,
--   with all its columns. Run it with --csv and -o to keep them in a file (psql --csv -o
--   tviews-audit-before-2026-01-01.csv …), then delete exactly those entries with
--   maintenance/audit-log-trim and the same date. Nothing is changed.
-- safety: read-only
-- privileges:
--   - SELECT on tviews.pg_tview_audit_log (its owner, the extension's owner, or a superuser; pg_read_all_data)
-- params:
--   before:
--     kind: literal
--     description: the cut-off date; entries performed before it are exported (e.g. 2026-01-01)
--     value: "2026-01-01"
-- expect:
--   columns: [log_id, operation, entity, performed_by, performed_at, transaction_id, rows_affected, details, client_addr, client_port]
--   rows: { min: 0 }
-- timeout: 5min
-- ---
SELECT a.log_id, a.operation, a.entity, a.performed_by, a.performed_at, a.transaction_id,
       a.rows_affected, a.details, a.client_addr, a.client_port
  FROM tviews.pg_tview_audit_log a
 WHERE a.performed_at < (:'before')::date
 ORDER BY a.log_id;
