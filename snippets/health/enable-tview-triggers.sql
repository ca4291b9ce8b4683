-- ---
-- title: Enable the disabled pg_tviews triggers of one TVIEW
-- description: >-
--   Enables every pg_tviews trigger that carries the TVIEW's entity and is disabled (ALTER
--   TABLE ... DISABLE TRIGGER) or set to ENABLE REPLICA (fires only in replica sessions), on
--   whichever tables they are: health/tview-catalog status TRIGGERS_DISABLED. Writes made
--   while they were off are not replayed: refresh the TVIEW afterwards, and the TVIEWs that
--   read through it (UPSTREAM_PROBLEM in the catalog). Each ALTER TABLE briefly locks its
--   table; lock_timeout caps the wait at 5 s.
-- safety: writes
-- privileges:
--   - owner of each table carrying the triggers (or a superuser)
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW, as its entity (post), its table (tv_post) or schema.table
--     value: post
-- expect:
--   columns: [entity, enabled_triggers, disabled_triggers]
--   rows: { min: 1, max: 1 }
--   output: ['\b0\s*$']
-- timeout: 60s
-- ---
SET lock_timeout = '5s';
SELECT set_config('pgtv_runbook.entity', tviews.pg_tviews_entity_of(:'entity'), false) AS entity;

DO $$
DECLARE
    target text := current_setting('pgtv_runbook.entity');
    t record;
BEGIN
    FOR t IN
        SELECT tg.tgname, tg.tgrelid::regclass AS tbl, tg.tgenabled
          FROM pg_trigger tg
          JOIN pg_proc p ON p.oid = tg.tgfoid
         WHERE p.pronamespace = 'tviews'::regnamespace
           AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger', 'pg_tview_truncate_trigger', 'pg_tview_delta_trigger')
           AND tg.tgparentid = 0
           AND tg.tgnargs = 1
           AND tg.tgenabled IN ('D', 'R')
           AND convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) = target
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE TRIGGER %I', t.tbl, t.tgname);
        RAISE NOTICE 'enabled trigger % on % (was %)', t.tgname, t.tbl,
            CASE t.tgenabled WHEN 'R' THEN 'ENABLE REPLICA' ELSE 'disabled' END;
    END LOOP;
END
$$;

RESET lock_timeout;

SELECT current_setting('pgtv_runbook.entity') AS entity,
       count(*) FILTER (WHERE tg.tgenabled NOT IN ('D', 'R')) AS enabled_triggers,
       count(*) FILTER (WHERE tg.tgenabled IN ('D', 'R')) AS disabled_triggers
  FROM pg_trigger tg
  JOIN pg_proc p ON p.oid = tg.tgfoid
 WHERE p.pronamespace = 'tviews'::regnamespace
   AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger', 'pg_tview_truncate_trigger', 'pg_tview_delta_trigger')
   AND tg.tgparentid = 0
   AND tg.tgnargs = 1
   AND convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) = current_setting('pgtv_runbook.entity');
