-- ---
-- title: emergency-restore.sql, put back exactly the triggers emergency-disable.sql disabled
-- description: >-
--   Reads pgtv_emergency.disabled_trigger, the record emergency-disable.sql keeps, and for
--   every trigger recorded there and not restored yet (of the TVIEWs named by only, * for
--   all) sets it back to its recorded state: enabled, ENABLE ALWAYS or ENABLE REPLICA. One
--   ALTER TABLE per table, each in a transaction of its own with its record, so a table whose
--   lock is not granted within lock_timeout is skipped, reported, and done by the next run.
--   Triggers the record does not list (those already disabled before the emergency, or
--   disabled by hand) are not touched. A recorded trigger that no longer exists (its TVIEW
--   was dropped or re-created) is marked as such. Then it lists the TVIEWs to refresh: the
--   writes made while the triggers were off are not replayed, so each TVIEW it re-enabled,
--   and every TVIEW that reads it, is stale until refreshed (refresh/refresh-batch with the
--   only it prints). Run again, it finds nothing left to do and changes nothing.
-- safety: writes
-- privileges:
--   - owner of every source table whose triggers it enables, or a superuser
--   - SELECT and UPDATE on pgtv_emergency.disabled_trigger (its creator has them)
-- params:
--   only:
--     kind: literal
--     description: "* for every TVIEW, or a comma-separated list of entity names (e.g. post,comment)"
--     value: "*"
--   lock_timeout:
--     kind: literal
--     description: how long each ALTER TABLE may wait for its table (it blocks that table's writers while it waits), e.g. 3s
--     value: 5s
-- expect:
--   columns: [refresh_order, entity, stale_since, reason]
--   rows: { min: 0 }
--   output: ['nothing to restore']
-- timeout: 2min
-- ---
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
\if :{?only}
\else
  \set only '*'
\endif
\if :{?lock_timeout}
\else
  \set lock_timeout '5s'
\endif
SET jit = off;

\echo '== emergency-restore.sql'
SELECT current_database() AS database,
       set_config('pgtv_emergency.only', :'only', false) AS only,
       set_config('pgtv_emergency.lock_timeout', :'lock_timeout', false) AS lock_timeout,
       set_config('pgtv_emergency.run_started', clock_timestamp()::text, false)::timestamptz(0) AS started_at;

SELECT to_regclass('pgtv_emergency.disabled_trigger') IS NOT NULL AS pgtv_has_record \gset
\if :pgtv_has_record
\else
  \echo 'nothing to restore: emergency-disable.sql never recorded a trigger in this database (no table pgtv_emergency.disabled_trigger).'
  \echo 'Triggers disabled by other means are listed by health/trigger-problems.'
  SELECT NULL::int AS refresh_order, NULL::text AS entity, NULL::timestamptz AS stale_since, NULL::text AS reason WHERE false;
  \quit
\endif

\echo '== Recorded and not restored yet, for the chosen TVIEWs'
SELECT d.entity,
       d.source_table,
       d.trigger_name,
       d.kind,
       CASE d.previous_state WHEN 'A' THEN 'ENABLE ALWAYS' WHEN 'R' THEN 'ENABLE REPLICA' ELSE 'ENABLE' END AS restore_to,
       CASE WHEN tg.tgenabled IS NULL THEN 'trigger gone' WHEN tg.tgenabled = 'D' THEN 'disabled'
            ELSE 'enabled already' END AS state_now,
       d.disabled_by,
       date_trunc('second', d.disabled_at) AS disabled_at,
       d.reason
  FROM pgtv_emergency.disabled_trigger d
  LEFT JOIN pg_trigger tg ON tg.tgrelid = to_regclass(d.source_table) AND tg.tgname = d.trigger_name
 WHERE d.restored_at IS NULL
   AND (current_setting('pgtv_emergency.only') = '*'
        OR d.entity = ANY (string_to_array(replace(current_setting('pgtv_emergency.only'), ' ', ''), ',')))
 ORDER BY d.source_table, d.entity, d.kind;

DO $restore$
DECLARE
    chosen text[] := string_to_array(replace(current_setting('pgtv_emergency.only'), ' ', ''), ',');
    tbl record;
    rec record;
    actions text;
    skipped text[] := '{}';
    enabled int := 0;
    result text;
BEGIN
    FOR tbl IN
        SELECT DISTINCT d.source_table
          FROM pgtv_emergency.disabled_trigger d
         WHERE d.restored_at IS NULL
           AND (chosen = ARRAY['*'] OR d.entity = ANY (chosen))
         ORDER BY 1
    LOOP
        BEGIN
            actions := NULL;
            IF to_regclass(tbl.source_table) IS NOT NULL THEN
                PERFORM set_config('lock_timeout', current_setting('pgtv_emergency.lock_timeout'), true);
                EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', tbl.source_table);
            END IF;
            FOR rec IN
                SELECT d.id, d.entity, d.trigger_name, d.previous_state, tg.tgenabled AS state_now
                  FROM pgtv_emergency.disabled_trigger d
                  LEFT JOIN pg_trigger tg ON tg.tgrelid = to_regclass(d.source_table) AND tg.tgname = d.trigger_name
                 WHERE d.source_table = tbl.source_table
                   AND d.restored_at IS NULL
                   AND (chosen = ARRAY['*'] OR d.entity = ANY (chosen))
                 ORDER BY d.trigger_name
                   FOR UPDATE OF d
            LOOP
                IF rec.state_now IS NULL THEN
                    result := 'trigger gone';
                    RAISE NOTICE 'nothing to enable: % on % no longer exists (TVIEW % dropped or re-created)',
                        rec.trigger_name, tbl.source_table, rec.entity;
                ELSIF rec.state_now = rec.previous_state THEN
                    result := 'already in its recorded state';
                    RAISE NOTICE '% on % was already back in its recorded state', rec.trigger_name, tbl.source_table;
                ELSE
                    result := 'enabled';
                    actions := concat_ws(', ', actions,
                        format('ENABLE %sTRIGGER %I',
                               CASE rec.previous_state WHEN 'A' THEN 'ALWAYS ' WHEN 'R' THEN 'REPLICA ' ELSE '' END,
                               rec.trigger_name));
                    RAISE NOTICE 'enabled % on % (TVIEW %)', rec.trigger_name, tbl.source_table, rec.entity
                        || CASE rec.previous_state WHEN 'A' THEN ', as ENABLE ALWAYS' WHEN 'R' THEN ', as ENABLE REPLICA' ELSE '' END;
                    enabled := enabled + 1;
                END IF;
                UPDATE pgtv_emergency.disabled_trigger
                   SET restored_at = clock_timestamp(), restored_by = session_user, restore_result = result
                 WHERE id = rec.id;
            END LOOP;
            IF actions IS NOT NULL THEN
                EXECUTE format('ALTER TABLE %s %s', tbl.source_table, actions);
            END IF;
        EXCEPTION WHEN lock_not_available THEN
            skipped := skipped || tbl.source_table;
            RAISE WARNING 'skipped %: its lock was not granted within lock_timeout %; its triggers are still disabled',
                tbl.source_table, current_setting('pgtv_emergency.lock_timeout');
        END;
        COMMIT;
    END LOOP;
    PERFORM set_config('pgtv_emergency.skipped', array_to_string(skipped, ', '), false);
    RAISE NOTICE 'emergency-restore.sql: % trigger(s) enabled in this run, % table(s) skipped', enabled, cardinality(skipped);
END
$restore$;

\echo '== Restored by this run'
SELECT d.entity, d.source_table, d.trigger_name, d.kind, d.restore_result,
       date_trunc('second', d.disabled_at) AS disabled_at,
       date_trunc('second', d.restored_at) AS restored_at
  FROM pgtv_emergency.disabled_trigger d
 WHERE d.restored_at >= current_setting('pgtv_emergency.run_started')::timestamptz
 ORDER BY d.source_table, d.entity, d.kind;

\echo '== Refresh these TVIEWs now (refresh/refresh-batch with the only below): writes made while they were off were not replayed'
WITH restored AS (
    SELECT d.entity, min(d.disabled_at) AS since
      FROM pgtv_emergency.disabled_trigger d
     WHERE d.restored_at >= current_setting('pgtv_emergency.run_started')::timestamptz
       AND d.restore_result <> 'trigger gone'
       AND EXISTS (SELECT 1 FROM tviews.registry g WHERE g.entity = d.entity)
     GROUP BY d.entity
),
stale AS (
    -- each restored TVIEW, and every TVIEW that reads it
    SELECT p.entity, max(p.depth) AS depth, min(r.since) AS since,
           string_agg(DISTINCT CASE WHEN p.depth = 0 THEN 'its triggers were off'
                                    ELSE 'reads ' || r.entity END, '; ') AS reason
      FROM restored r
     CROSS JOIN LATERAL tviews.pg_tviews_show_cascade_path(r.entity) p
     GROUP BY p.entity
)
SELECT row_number() OVER (ORDER BY s.depth, s.entity) AS refresh_order,
       s.entity,
       date_trunc('second', s.since) AS stale_since,
       s.reason
  FROM stale s
 ORDER BY s.depth, s.entity;

SELECT coalesce(string_agg(DISTINCT d.entity, ','), '') AS pgtv_refresh_only
  FROM pgtv_emergency.disabled_trigger d
 WHERE d.restored_at >= current_setting('pgtv_emergency.run_started')::timestamptz
   AND d.restore_result <> 'trigger gone'
   AND EXISTS (SELECT 1 FROM tviews.registry g WHERE g.entity = d.entity) \gset
SELECT :'pgtv_refresh_only' = '' AS pgtv_nothing_restored \gset
\if :pgtv_nothing_restored
  \echo 'nothing to restore for these TVIEWs: no recorded trigger was left to enable, and nothing needs a refresh because of this run.'
\else
  \echo 'next: refresh/refresh-batch with -v only=':pgtv_refresh_only' (it also rebuilds the TVIEWs that read them)'
\endif

DO $skipped$
BEGIN
    IF current_setting('pgtv_emergency.skipped') <> '' THEN
        RAISE EXCEPTION 'emergency-restore.sql: tables skipped on lock timeout: %', current_setting('pgtv_emergency.skipped')
              USING HINT = 'their triggers are still disabled and recorded; run the script again (or with a longer lock_timeout)';
    END IF;
END
$skipped$;
RESET jit;
