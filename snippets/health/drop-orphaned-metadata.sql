-- ---
-- title: Deregister a TVIEW whose table or view is gone
-- description: >-
--   For a TVIEW that health/tview-catalog reports as MISSING_TABLE or MISSING_VIEW: first
--   prints its registration (keep the query and options columns if the TVIEW is to be
--   created again), then calls tviews.pg_tviews_drop(entity, true), which removes the
--   registration, the triggers, the backing view if it is left (MISSING_TABLE) and the tv_
--   table if it is left (MISSING_VIEW). Refuses a TVIEW whose table and view both exist, so a
--   typo cannot drop a healthy TVIEW.
-- safety: destructive
-- changes: >-
--   Removes the TVIEW's registration and triggers, and drops what is left of its backing view
--   (MISSING_TABLE) or its tv_ table (MISSING_VIEW).
-- undo: >-
--   Re-create the TVIEW from the saved query and options, if its source tables still exist:
--   SELECT tviews.pg_tviews_create('<schema>.tv_<entity>', '<query>', '<options>'). pg_tviews
--   fills it from the view. Copy the tv_ table first (CREATE TABLE ... AS SELECT * FROM
--   tv_<entity>) if you need its old rows.
-- privileges:
--   - owner of the TVIEW (or of the extension, or a superuser)
-- params:
--   entity:
--     kind: literal
--     description: the entity column of health/tview-catalog (the TVIEW name without tv_)
--     value: post
-- expect:
--   error: 'table and view both exist'
-- timeout: 60s
-- ---
-- 1. What is registered: keep this output (the query is the TVIEW's definition).
SELECT r.entity, r.schema, r.name, r.view, r.base_tables, r.query, r.options
  FROM tviews.registry r
 WHERE r.entity = :'entity';

-- 2. Deregister it, only if its table or view is really gone.
SET lock_timeout = '5s';
SELECT set_config('pgtv_runbook.entity', :'entity', false) AS entity;

DO $$
DECLARE
    target text := current_setting('pgtv_runbook.entity');
    r record;
BEGIN
    SELECT g.schema, g.view INTO r FROM tviews.registry g WHERE g.entity = target;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no TVIEW with entity % is registered', target;
    END IF;
    IF r.schema IS NOT NULL AND r.view IS NOT NULL THEN
        RAISE EXCEPTION 'TVIEW %: table and view both exist, its metadata is not orphaned', target
            USING HINT = 'Run health/tview-catalog: only MISSING_TABLE and MISSING_VIEW are cleaned up here.';
    END IF;
    PERFORM tviews.pg_tviews_drop(target, true);
    RAISE NOTICE 'TVIEW % deregistered', target;
END
$$;

RESET lock_timeout;

-- 3. Nothing is left registered under that name (0 rows).
SELECT r.entity FROM tviews.registry r WHERE r.entity = :'entity';
