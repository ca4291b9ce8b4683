-- ---
-- title: Delete the audit entries older than a date
-- description: >-
--   Deletes the entries of tviews.pg_tview_audit_log performed before the cut-off date, in one
--   transaction, and shows how many went and what is left. Export them first with
--   maintenance/audit-log-export and the same date if they must be kept. The space is reused
--   by later entries once VACUUM has run (maintenance/vacuum-analyze-tviews, or autovacuum);
--   the file does not shrink. pg_tviews never reads the log: trimming it changes nothing in
--   the TVIEWs.
-- safety: destructive
-- changes: Removes the audit entries performed before the cut-off date.
-- undo: >-
--   Load the exported file back as the table's owner: \copy tviews.pg_tview_audit_log FROM
--   'tviews-audit-before-….csv' WITH (FORMAT csv, HEADER true). Without an export they are gone.
-- privileges:
--   - owner of tviews.pg_tview_audit_log (the extension's owner) or a superuser
-- params:
--   before:
--     kind: literal
--     description: the cut-off date; entries performed before it are deleted (e.g. 2026-01-01)
--     value: "2026-01-01"
-- expect:
--   columns: [deleted, entries_left, oldest_left]
--   rows: { min: 1, max: 1 }
-- timeout: 5min
-- ---
\set ON_ERROR_STOP on
WITH trimmed AS (
    DELETE FROM tviews.pg_tview_audit_log
     WHERE performed_at < (:'before')::date
    RETURNING log_id
)
SELECT count(*) AS trimmed_entries FROM trimmed
\gset

SELECT (:'trimmed_entries')::bigint AS deleted,
       count(*) AS entries_left,
       date_trunc('second', min(performed_at)) AS oldest_left
  FROM tviews.pg_tview_audit_log;
