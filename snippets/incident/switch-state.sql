-- ---
-- title: Is pg_tviews maintaining each TVIEW, and what switches are on
-- description: >-
--   Two lists. First, per TVIEW: how many of its pg_tviews triggers are enabled and disabled,
--   how many of the disabled ones emergency-disable.sql recorded (and since when), and the
--   TVIEWs it reads through that are not fully maintained: "maintained" is yes only when every
--   trigger is enabled and every TVIEW it reads through is maintained. Second, the settings
--   that switch pg_tviews off or writes off for whole sessions without touching a trigger:
--   session_replication_role = replica (writes skip every trigger, pg_tviews' and foreign
--   keys' included) and default_transaction_read_only = on, set for this database, for a role,
--   for the server (ALTER SYSTEM or the configuration file) or in this session, and whether
--   this server is a standby (where the TVIEWs read through are not listed: pg_tviews cannot
--   trace them there). Reads catalogs only: milliseconds at any size.
-- safety: read-only
-- privileges:
--   - any role (pg_trigger, pg_db_role_setting and tviews.registry are readable by all)
--   - pg_read_all_settings (or superuser) to see switches set in the server's configuration files; without it they are not listed
-- expect:
--   columns: [switch, value, set_for, effect]
--   rows: { min: 0 }
--   output: ['== Maintenance of each TVIEW', '\byes\b']
-- timeout: 10s
-- ---
\set QUIET on
\pset footer off
SET jit = off;
-- The record emergency-disable.sql keeps exists only once it has run in this database.
SELECT to_regclass('pgtv_emergency.disabled_trigger') IS NOT NULL AS pgtv_has_record \gset
\if :pgtv_has_record
SELECT set_config('pgtv_emergency.pending',
                  coalesce(jsonb_agg(jsonb_build_object('t', d.source_table, 'n', d.trigger_name, 'at', d.disabled_at)), '[]')::text,
                  false) AS pending
  FROM pgtv_emergency.disabled_trigger d
 WHERE d.restored_at IS NULL \gset
\else
SELECT set_config('pgtv_emergency.pending', '[]', false) AS pending \gset
\endif

-- The server's configuration files are readable only with pg_read_all_settings.
SELECT has_function_privilege('pg_show_all_file_settings()', 'EXECUTE') AS pgtv_can_read_files \gset
\if :pgtv_can_read_files
SELECT set_config('pgtv_emergency.file_settings',
                  coalesce(jsonb_agg(jsonb_build_object('name', f.name, 'setting', f.setting, 'file', f.sourcefile)), '[]')::text,
                  false) AS file_settings
  FROM pg_file_settings f
 WHERE f.applied
   AND ((f.name = 'session_replication_role' AND f.setting = 'replica')
        OR (f.name = 'default_transaction_read_only' AND lower(f.setting) IN ('on', 'true', '1'))) \gset
\else
SELECT set_config('pgtv_emergency.file_settings', '[]', false) AS file_settings \gset
\endif

-- pg_tviews_show_cascade_path() cannot run on a standby (it needs a transaction id): there the
-- TVIEWs read through are left out, and the second list says this server is a standby.
SELECT pg_is_in_recovery() AS pgtv_on_standby \gset

\echo '== Maintenance of each TVIEW (maintained: every trigger enabled, and every TVIEW it reads through maintained)'
WITH trig AS (
    SELECT convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) AS entity,
           tg.tgenabled,
           (SELECT (e ->> 'at')::timestamptz
              FROM jsonb_array_elements(current_setting('pgtv_emergency.pending')::jsonb) e
             WHERE e ->> 't' = tg.tgrelid::regclass::text AND e ->> 'n' = tg.tgname::text) AS recorded_at
      FROM pg_trigger tg
      JOIN pg_proc p ON p.oid = tg.tgfoid
     WHERE p.pronamespace = 'tviews'::regnamespace
       AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger', 'pg_tview_truncate_trigger', 'pg_tview_delta_trigger')
       AND tg.tgparentid = 0
       AND tg.tgnargs = 1
),
own AS (
    SELECT r.entity,
           count(t.entity) FILTER (WHERE t.tgenabled <> 'D') AS enabled_triggers,
           count(t.entity) FILTER (WHERE t.tgenabled = 'D') AS disabled_triggers,
           count(t.recorded_at) FILTER (WHERE t.tgenabled = 'D') AS recorded_disabled,
           min(t.recorded_at) AS disabled_since
      FROM tviews.registry r
      LEFT JOIN trig t ON t.entity = r.entity
     GROUP BY r.entity
),
upstream AS (
    -- the TVIEWs each TVIEW reads through (pg_tviews_show_cascade_path lists the readers)
    SELECT DISTINCT p.entity AS reader, r.entity AS upstream
      FROM tviews.registry r
     CROSS JOIN LATERAL tviews.pg_tviews_show_cascade_path(r.entity) p
     WHERE p.depth > 0
       AND NOT :'pgtv_on_standby'::boolean
)
SELECT o.entity,
       CASE WHEN o.disabled_triggers = 0 AND o.enabled_triggers > 0
                 AND NOT EXISTS (SELECT 1 FROM upstream u JOIN own uo ON uo.entity = u.upstream
                                  WHERE u.reader = o.entity AND uo.disabled_triggers > 0)
            THEN 'yes'
            WHEN o.enabled_triggers = 0 THEN 'NO: every trigger disabled'
            WHEN o.disabled_triggers > 0 THEN 'PARTLY: some triggers disabled'
            ELSE 'PARTLY: a TVIEW it reads through is not maintained'
       END AS maintained,
       o.enabled_triggers,
       o.disabled_triggers,
       o.recorded_disabled AS by_emergency_disable,
       date_trunc('second', o.disabled_since) AS disabled_since,
       (SELECT string_agg(u.upstream, ', ' ORDER BY u.upstream)
          FROM upstream u JOIN own uo ON uo.entity = u.upstream
         WHERE u.reader = o.entity AND uo.disabled_triggers > 0) AS not_maintained_upstream
  FROM own o
 ORDER BY o.entity;

\echo '== Switches that act on whole sessions (no row: none is on)'
SELECT 'server' AS switch,
       'standby (in recovery)' AS value,
       'this server' AS set_for,
       'read-only: writes and refreshes fail; LOGGED TVIEWs are readable, UNLOGGED ones are not; pg_tviews_health_check() fails' AS effect
 WHERE pg_is_in_recovery()
UNION ALL
SELECT split_part(cfg, '=', 1),
       split_part(cfg, '=', 2),
       CASE WHEN s.setrole = 0 THEN 'database ' || coalesce(d.datname, '?')
            WHEN s.setdatabase = 0 THEN 'role ' || pg_get_userbyid(s.setrole)
            ELSE 'role ' || pg_get_userbyid(s.setrole) || ' in database ' || coalesce(d.datname, '?') END,
       CASE split_part(cfg, '=', 1)
           WHEN 'session_replication_role' THEN 'new sessions skip every TVIEW (and foreign keys) silently'
           ELSE 'new sessions refuse writes (25006) unless they SET it off' END
  FROM pg_db_role_setting s
  LEFT JOIN pg_database d ON d.oid = s.setdatabase
 CROSS JOIN LATERAL unnest(s.setconfig) AS cfg
 WHERE (s.setdatabase = 0 OR d.datname = current_database())
   AND cfg IN ('session_replication_role=replica', 'default_transaction_read_only=on', 'default_transaction_read_only=true')
UNION ALL
SELECT f ->> 'name', f ->> 'setting', 'server (' || (f ->> 'file') || ')',
       CASE f ->> 'name' WHEN 'session_replication_role' THEN 'every session skips every TVIEW (and foreign keys) silently'
                         ELSE 'every session refuses writes (25006) unless it SETs it off' END
  FROM jsonb_array_elements(current_setting('pgtv_emergency.file_settings')::jsonb) f
UNION ALL
SELECT 'session_replication_role', current_setting('session_replication_role'), 'this session',
       'this session''s writes skip every TVIEW'
 WHERE current_setting('session_replication_role') = 'replica'
UNION ALL
SELECT 'default_transaction_read_only', current_setting('default_transaction_read_only'), 'this session',
       'this session refuses writes'
 WHERE current_setting('default_transaction_read_only') = 'on' AND NOT pg_is_in_recovery();
RESET jit;
