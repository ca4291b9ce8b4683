-- ---
-- title: Enable the disabled pg_tviews triggers of one TVIEW
-- description: >-
--   Enables every disabled pg_tviews trigger that carries the entity (health/tview-catalog
--   status TRIGGERS_DISABLED), on whichever tables they are. Writes made while they were off
--   are not replayed: refresh the TVIEW afterwards. Remember that a write refreshes all
--   TVIEWs of a table through any one enabled pg_tviews trigger, so other TVIEWs reading the
--   same tables may have drifted too: check them with the drift check. Each ALTER TABLE
--   briefly locks its table; lock_timeout caps the wait at 5 s.
-- safety: writes
-- privileges:
--   - owner of each table carrying the triggers (or a superuser)
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name, without the tv_ prefix (e.g. post for tv_post)
--     value: post
-- expect:
--   columns: [entity, enabled_triggers, disabled_triggers]
--   rows: { min: 1, max: 1 }
--   output: ['\b0\s*$']
-- timeout: 60s
-- ---
SET lock_timeout = '5s';
SELECT set_config('pgtv_runbook.entity', :'entity', false) AS entity;

DO $$
DECLARE
    target text := current_setting('pgtv_runbook.entity');
    t record;
BEGIN
    FOR t IN
        SELECT tg.tgname, tg.tgrelid::regclass AS tbl
          FROM pg_trigger tg
          JOIN pg_proc p ON p.oid = tg.tgfoid
         WHERE p.pronamespace = 'tviews'::regnamespace
           AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger')
           AND tg.tgparentid = 0
           AND tg.tgnargs = 1
           AND tg.tgenabled = 'D'
           AND convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) = target
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE TRIGGER %I', t.tbl, t.tgname);
        RAISE NOTICE 'enabled trigger % on %', t.tgname, t.tbl;
    END LOOP;
END
$$;

RESET lock_timeout;

SELECT :'entity' AS entity,
       count(*) FILTER (WHERE tg.tgenabled <> 'D') AS enabled_triggers,
       count(*) FILTER (WHERE tg.tgenabled = 'D') AS disabled_triggers
  FROM pg_trigger tg
  JOIN pg_proc p ON p.oid = tg.tgfoid
 WHERE p.pronamespace = 'tviews'::regnamespace
   AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger')
   AND tg.tgparentid = 0
   AND tg.tgnargs = 1
   AND convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) = :'entity';
