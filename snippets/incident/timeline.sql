-- ---
-- title: Timeline of what the database itself recorded since the incident began
-- description: >-
--   One list, in time order, of every timestamp this database keeps about pg_tviews and its
--   surroundings since the time given: server start and configuration reloads, resets of
--   pg_stat_statements and of the database's statistics, when tviews.stats started counting
--   for each TVIEW, TVIEWs registered (pg_tview_meta.created_at), creations and drops in
--   pg_tviews' audit log (when it is on and readable), the triggers emergency-disable.sql
--   disabled and emergency-restore.sql restored (who, why, how many), prepared transactions
--   and open writing transactions still running, and vacuums and analyzes of the TVIEW and
--   source tables (the last of each kind only: PostgreSQL keeps no history). Merge it with
--   the server log lines (incident/log-lines) and the team's chat to write the review's
--   timeline. Sources this role cannot read are left out and named in a last row.
-- safety: read-only
-- privileges:
--   - any role for most rows; superuser or the extension's owner for the audit log; pg_read_all_stats for other roles' transactions
-- params:
--   since:
--     kind: literal
--     description: a timestamp with time zone shortly before the incident began (e.g. 2026-11-30 21:40+00)
--     value: 2000-01-01 00:00+00
-- expect:
--   columns: [at, source, event, detail]
--   rows: { min: 1 }
--   output: ['timeline taken', 'TVIEW registered']
-- timeout: 30s
-- ---
\set QUIET on
\pset footer off
SET jit = off;
-- Optional sources: each is read only when present and readable.
SELECT to_regclass('pgtv_emergency.disabled_trigger') IS NOT NULL
           AND has_table_privilege('pgtv_emergency.disabled_trigger', 'SELECT') AS pgtv_has_record,
       has_table_privilege('tviews.pg_tview_audit_log', 'SELECT') AS pgtv_can_read_audit,
       EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS pgtv_has_pgss \gset
SELECT set_config('pgtv_timeline.extra', '[]', false) AS extra \gset
\if :pgtv_has_record
SELECT set_config('pgtv_timeline.extra', coalesce(jsonb_agg(e), '[]')::text, false) AS extra
  FROM (SELECT jsonb_build_object('at', min(d.disabled_at), 'source', 'emergency-disable.sql',
                                  'event', count(*) || ' triggers of ' || string_agg(DISTINCT d.entity, ', ') || ' disabled by ' || d.disabled_by,
                                  'detail', concat_ws('; ', 'reason: ' || d.reason, 'tables: ' || string_agg(DISTINCT d.source_table, ', '))) AS e
          FROM pgtv_emergency.disabled_trigger d
         GROUP BY d.disabled_by, d.reason, date_trunc('minute', d.disabled_at)
        UNION ALL
        SELECT jsonb_build_object('at', min(d.restored_at), 'source', 'emergency-restore.sql',
                                  'event', count(*) || ' triggers of ' || string_agg(DISTINCT d.entity, ', ') || ' restored by ' || d.restored_by,
                                  'detail', string_agg(DISTINCT d.restore_result, ', '))
          FROM pgtv_emergency.disabled_trigger d
         WHERE d.restored_at IS NOT NULL
         GROUP BY d.restored_by, date_trunc('minute', d.restored_at)
        UNION ALL
        SELECT jsonb_build_object('at', now(), 'source', 'emergency-disable.sql',
                                  'event', count(*) || ' triggers still disabled, not restored',
                                  'detail', string_agg(DISTINCT d.entity, ', '))
          FROM pgtv_emergency.disabled_trigger d
         WHERE d.restored_at IS NULL
        HAVING count(*) > 0) x \gset
\endif
\if :pgtv_can_read_audit
SELECT set_config('pgtv_timeline.extra',
                  (current_setting('pgtv_timeline.extra')::jsonb || coalesce(jsonb_agg(jsonb_build_object(
                      'at', a.performed_at, 'source', 'pg_tviews audit log',
                      'event', a.operation || ' ' || a.entity || ' by ' || a.performed_by,
                      'detail', concat_ws('; ', 'from ' || host(a.client_addr), 'xid ' || a.transaction_id,
                                          'rows ' || a.rows_affected, left(a.details::text, 200)))), '[]'))::text,
                  false) AS extra
  FROM tviews.pg_tview_audit_log a
 WHERE a.performed_at >= (:'since')::timestamptz \gset
\endif
\if :pgtv_has_pgss
SELECT set_config('pgtv_timeline.extra',
                  (current_setting('pgtv_timeline.extra')::jsonb || jsonb_build_array(jsonb_build_object(
                      'at', i.stats_reset, 'source', 'pg_stat_statements',
                      'event', 'statement statistics start here (reset or server start)',
                      'detail', i.dealloc || ' statements evicted since (pg_stat_statements.max too small when above 0)')))::text,
                  false) AS extra
  FROM pg_stat_statements_info i \gset
\endif

\echo '== Timeline (UTC offsets as the server prints them)'
WITH events(at, source, event, detail) AS (
    SELECT pg_postmaster_start_time(), 'server', 'server started', 'every tviews.stats counter starts over'
    UNION ALL
    SELECT pg_conf_load_time(), 'server', 'configuration loaded or reloaded', NULL
    UNION ALL
    SELECT d.stats_reset, 'statistics', 'statistics of database ' || d.datname || ' reset', NULL
      FROM pg_stat_database d WHERE d.datname = current_database() AND d.stats_reset IS NOT NULL
    UNION ALL
    SELECT s.stats_reset, 'tviews.stats', 'refresh counters start here for ' || string_agg(s.entity, ', ' ORDER BY s.entity),
           'reset, or first use since the server started'
      FROM tviews.stats s GROUP BY s.stats_reset
    UNION ALL
    SELECT m.created_at, 'pg_tviews', 'TVIEW registered: ' || m.entity, 'created, or re-created'
      FROM tviews.pg_tview_meta m
    UNION ALL
    SELECT p.prepared, 'prepared transaction', 'prepared ' || p.gid || ' by ' || p.owner || ', still not finished',
           'database ' || p.database
      FROM pg_prepared_xacts p
    UNION ALL
    SELECT a.xact_start, 'open transaction',
           'pid ' || a.pid || ' (' || coalesce(a.usename, '?') || coalesce(', ' || nullif(a.application_name, ''), '') || ') began a transaction that still holds writes on TVIEW sources',
           a.state || ': ' || left(a.query, 80)
      FROM pg_stat_activity a
     WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL
       AND EXISTS (SELECT 1 FROM pg_locks l JOIN tviews.registry r ON l.relation = ANY (r.base_tables::oid[])
                    WHERE l.pid = a.pid AND l.locktype = 'relation' AND l.mode = 'RowExclusiveLock')
    UNION ALL
    SELECT m.at, 'table maintenance', m.what || ' of ' || t.relid::regclass::text, NULL
      FROM pg_stat_user_tables t
     CROSS JOIN LATERAL (VALUES (t.last_vacuum, 'last manual VACUUM'), (t.last_autovacuum, 'last autovacuum'),
                                (t.last_analyze, 'last manual ANALYZE'), (t.last_autoanalyze, 'last autoanalyze')) AS m(at, what)
     WHERE m.at IS NOT NULL
       AND (t.relid IN (SELECT to_regclass(format('%I.%I', r.schema, r.name)) FROM tviews.registry r WHERE r.schema IS NOT NULL)
            OR t.relid IN (SELECT b FROM tviews.registry r CROSS JOIN LATERAL unnest(r.base_tables) AS b))
    UNION ALL
    SELECT (e ->> 'at')::timestamptz, e ->> 'source', e ->> 'event', e ->> 'detail'
      FROM jsonb_array_elements(current_setting('pgtv_timeline.extra')::jsonb) e
)
SELECT date_trunc('second', e.at) AS at, e.source, e.event, e.detail
  FROM (SELECT * FROM events WHERE at >= (:'since')::timestamptz
        UNION ALL
        SELECT now(), 'this query', 'timeline taken',
               nullif(concat_ws('; ',
                   CASE WHEN NOT :'pgtv_can_read_audit'::boolean THEN 'audit log not readable by ' || current_user END,
                   CASE WHEN NOT :'pgtv_has_pgss'::boolean THEN 'pg_stat_statements not installed in this database' END,
                   CASE WHEN current_setting('pg_tviews.audit_enabled') = 'off' THEN 'pg_tviews.audit_enabled is off in this session: creations and drops are recorded only where it is on' END), '')) e
 -- in time order to the microsecond, though shown to the second
 ORDER BY e.at, e.source, e.event;
RESET jit;
