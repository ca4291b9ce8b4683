-- ---
-- title: pg_tviews' audit log since a time, and whether it records anything
-- description: >-
--   Whether pg_tviews.audit_enabled is on (a superuser's setting, off by default: then
--   nothing is recorded), and the entries of tviews.pg_tview_audit_log since the time given:
--   who created or dropped which TVIEW, when, from which address, and the definition it was
--   created with. pg_tviews records creations and drops only, never refreshes, trigger
--   changes or errors. The table is readable only by the extension's owner (and superusers):
--   for any other role the snippet says so and lists nothing.
-- safety: read-only
-- privileges:
--   - superuser or the owner of the extension, to read tviews.pg_tview_audit_log
-- params:
--   since:
--     kind: literal
--     description: a timestamp with time zone shortly before the incident began (e.g. 2026-11-30 21:40+00)
--     value: 2000-01-01 00:00+00
-- expect:
--   columns: [performed_at, operation, entity, performed_by, client, transaction_id, details]
--   rows: { min: 0 }
--   output: ['audit_enabled']
-- timeout: 30s
-- ---
\set QUIET on
\pset footer off
\echo '== Is anything recorded'
SELECT current_setting('pg_tviews.audit_enabled') AS audit_enabled,
       s.source,
       has_table_privilege('tviews.pg_tview_audit_log', 'SELECT') AS readable_by_you,
       CASE WHEN current_setting('pg_tviews.audit_enabled') = 'off'
            THEN 'off in this session: creations and drops are recorded only by sessions where it is on (a superuser turns it on for new sessions of a database with ALTER DATABASE … SET pg_tviews.audit_enabled = on)'
            ELSE 'on: creations and drops are recorded' END AS meaning
  FROM pg_settings s
 WHERE s.name = 'pg_tviews.audit_enabled';

SELECT has_table_privilege('tviews.pg_tview_audit_log', 'SELECT') AS pgtv_can_read_audit \gset
\echo '== Entries since the time given'
\if :pgtv_can_read_audit
SELECT date_trunc('second', a.performed_at) AS performed_at,
       a.operation,
       a.entity,
       a.performed_by,
       host(a.client_addr) || coalesce(':' || a.client_port, '') AS client,
       a.transaction_id,
       left(a.details::text, 300) AS details
  FROM tviews.pg_tview_audit_log a
 WHERE a.performed_at >= (:'since')::timestamptz
 ORDER BY a.performed_at, a.log_id;
\else
\echo 'you cannot read tviews.pg_tview_audit_log: connect as a superuser or the extension owner'
SELECT NULL::timestamptz AS performed_at, NULL::text AS operation, NULL::text AS entity, NULL::text AS performed_by,
       NULL::text AS client, NULL::bigint AS transaction_id, NULL::text AS details
 WHERE false;
\endif
