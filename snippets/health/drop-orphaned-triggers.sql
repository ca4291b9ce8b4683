-- ---
-- title: Drop the triggers of a TVIEW that is no longer registered
-- description: >-
--   For an entity that health/trigger-problems lists as ORPHANED with entity_registered
--   false (its pg_tview_meta row was deleted): drops every pg_tviews trigger installed for it
--   (row, flush, TRUNCATE and delta triggers). Until they are gone, writes to some of those
--   tables fail ("could not map the changed rows to tv_<entity> keys"). Dropping them does
--   not bring back the TVIEWs that read through the lost one (LOST_UPSTREAM in
--   health/tview-catalog): re-register those afterwards. Refuses a registered entity. Each
--   DROP TRIGGER briefly locks its table; lock_timeout makes it give up after 5 s instead of
--   queueing behind a long transaction and blocking all writers.
-- safety: destructive
-- changes: Removes the pg_tviews triggers that carry this entity from every table.
-- undo: >-
--   Nothing to restore: the triggers only served a TVIEW that is no longer registered, and
--   they made writes fail. Re-creating the TVIEW (health/recreate-lost-tview, or CREATE TABLE
--   tv_<entity> AS its definition) installs new ones.
-- privileges:
--   - owner of each table that carries the triggers (or a superuser)
-- params:
--   entity:
--     kind: literal
--     description: the entity column of health/trigger-problems (a TVIEW name without tv_)
--     value: post
-- expect:
--   error: 'still registered'
-- timeout: 60s
-- ---
SET lock_timeout = '5s';
SELECT set_config('pgtv_runbook.entity', :'entity', false) AS entity;

DO $$
DECLARE
    target text := current_setting('pgtv_runbook.entity');
    t record;
    dropped int := 0;
BEGIN
    IF EXISTS (SELECT 1 FROM tviews.registry r WHERE r.entity = target) THEN
        RAISE EXCEPTION 'TVIEW % is still registered: its triggers are not orphaned', target
            USING HINT = 'For a registered TVIEW use health/reregister-tview instead.';
    END IF;
    FOR t IN
        SELECT tg.tgname, tg.tgrelid::regclass AS tbl
          FROM pg_trigger tg
          JOIN pg_proc p ON p.oid = tg.tgfoid
         WHERE p.pronamespace = 'tviews'::regnamespace
           AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger', 'pg_tview_truncate_trigger', 'pg_tview_delta_trigger')
           AND tg.tgparentid = 0
           AND tg.tgnargs = 1
           AND convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) = target
    LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.tbl);
        RAISE NOTICE 'dropped trigger % on %', t.tgname, t.tbl;
        dropped := dropped + 1;
    END LOOP;
    IF dropped = 0 THEN
        RAISE EXCEPTION 'no pg_tviews trigger carries entity %: nothing to drop', target;
    END IF;
END
$$;

RESET lock_timeout;
