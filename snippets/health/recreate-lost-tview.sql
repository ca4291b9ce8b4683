-- ---
-- title: Re-create a TVIEW whose registration was lost, and the TVIEWs built on it
-- description: >-
--   For an entity whose pg_tview_meta row is gone while its backing view
--   tviews.<schema>__tv_<entity> is still there (its triggers are reported ORPHANED): in one
--   statement, drops the TVIEWs that read that view or the lost tv_ table (pg_tviews_drop),
--   drops the leftover triggers, view and table, then creates the TVIEW again from the view's
--   definition (keeping LOGGED or UNLOGGED and the fillfactor of the old table) and the
--   dependent TVIEWs from their registered definitions and options, dependencies first. Each
--   is filled from its view, so it takes as long as a full refresh of all of them, and their
--   readers wait on locks until it commits. Any error undoes all of it.
-- safety: destructive
-- changes: >-
--   Drops and re-creates tv_<entity>, its backing view and every TVIEW built on them (tables,
--   views, triggers and registrations); their rows are rebuilt from the views.
-- undo: >-
--   None needed for the data: TVIEW rows are derived from the source tables and are rebuilt.
--   Indexes or grants added by hand to the dropped tv_ tables are not re-created: list them
--   first (\d tv_<entity>) and add them again.
-- privileges:
--   - owner of the lost tv_ table, its backing view and every dependent TVIEW (or a superuser)
--   - owner of the tables that carry the triggers
-- params:
--   entity:
--     kind: literal
--     description: the entity whose registration was lost (entity column of health/trigger-problems)
--     value: post
-- expect:
--   error: 'still registered'
-- timeout: 30min
-- ---
SELECT set_config('pgtv_runbook.entity', :'entity', false) AS entity;

DO $$
DECLARE
    target text := current_setting('pgtv_runbook.entity');
    suffix text := '__tv_' || current_setting('pgtv_runbook.entity');
    lost_view oid;
    lost_table oid;
    lost_schema text;
    lost_definition text;
    lost_options jsonb;
    dependents jsonb;
    d jsonb;
    t record;
BEGIN
    IF EXISTS (SELECT 1 FROM tviews.registry r WHERE r.entity = target) THEN
        RAISE EXCEPTION 'TVIEW % is still registered: nothing to re-create', target
            USING HINT = 'Missing triggers of a registered TVIEW: use health/reregister-tview.';
    END IF;
    -- The backing view is tviews.<schema of the table>__tv_<entity>, and no registration names it.
    SELECT c.oid, left(c.relname, length(c.relname) - length(suffix)) INTO lost_view, lost_schema
      FROM pg_class c
     WHERE c.relnamespace = 'tviews'::regnamespace AND c.relkind = 'v'
       AND right(c.relname, length(suffix)) = suffix
       AND c.oid NOT IN (SELECT r.view::oid FROM tviews.registry r WHERE r.view IS NOT NULL);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no backing view tviews.<schema>%: the definition of % is lost', suffix, target
            USING HINT = 'Take the TVIEW definition from version control and run CREATE TABLE tv_... AS ...';
    END IF;
    lost_definition := pg_get_viewdef(lost_view);
    lost_table := to_regclass(format('%I.%I', lost_schema, 'tv_' || target));
    -- Keep the old table's persistence and fillfactor; other options take their defaults.
    SELECT jsonb_build_object('logged', c.relpersistence = 'p')
           || coalesce((SELECT jsonb_build_object('fillfactor', o.option_value::int)
                          FROM pg_options_to_table(c.reloptions) o
                         WHERE o.option_name = 'fillfactor'), '{}')
      INTO lost_options
      FROM pg_class c WHERE c.oid = lost_table;

    -- TVIEWs that read the lost view or table, through any views, in creation order.
    WITH RECURSIVE affected AS (
        SELECT DISTINCT rd.entity FROM tviews.pg_tview_reads rd WHERE rd.relid IN (lost_view, lost_table)
    ),
    edges AS (
        SELECT DISTINCT rd.entity, r.entity AS dependency
          FROM tviews.pg_tview_reads rd
          JOIN tviews.registry r
            ON rd.relid IN (r.view::oid, to_regclass(format('%I.%I', r.schema, r.name))::oid)
         WHERE rd.entity IN (SELECT entity FROM affected)
           AND r.entity IN (SELECT entity FROM affected)
           AND r.entity <> rd.entity
    ),
    depth AS (
        SELECT a.entity, 0 AS level FROM affected a
        UNION
        SELECT e.entity, d.level + 1 FROM depth d JOIN edges e ON e.dependency = d.entity WHERE d.level < 100
    )
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'entity', r.entity, 'name', format('%I.%I', r.schema, r.name),
               'query', r.query, 'options', r.options)
               ORDER BY x.level, r.entity), '[]')
      INTO dependents
      FROM (SELECT entity, max(level) AS level FROM depth GROUP BY entity) x
      JOIN tviews.registry r ON r.entity = x.entity;

    -- Take everything down: dependents deepest first, then the leftovers of the lost TVIEW.
    FOR d IN SELECT e FROM jsonb_array_elements(dependents) WITH ORDINALITY AS a(e, i) ORDER BY i DESC LOOP
        PERFORM tviews.pg_tviews_drop(d->>'entity', false);
        RAISE NOTICE 'dropped dependent TVIEW %', d->>'name';
    END LOOP;
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
    END LOOP;
    EXECUTE format('DROP VIEW %s', lost_view::regclass);
    IF lost_table IS NOT NULL THEN
        EXECUTE format('DROP TABLE %s', lost_table::regclass);
    END IF;

    -- Build it all again, dependencies first.
    PERFORM tviews.pg_tviews_create(format('%I.%I', lost_schema, 'tv_' || target), lost_definition, coalesce(lost_options, '{}'));
    RAISE NOTICE 're-created TVIEW %.tv_%', lost_schema, target;
    FOR d IN SELECT e FROM jsonb_array_elements(dependents) WITH ORDINALITY AS a(e, i) ORDER BY i LOOP
        PERFORM tviews.pg_tviews_create(d->>'name', d->>'query', d->'options');
        RAISE NOTICE 're-created dependent TVIEW %', d->>'name';
    END LOOP;
END
$$;

-- The lost TVIEW and the TVIEWs that read it are registered again.
SELECT r.entity, format('%I.%I', r.schema, r.name) AS tview, r.view, r.options ->> 'logged' AS logged
  FROM tviews.registry r
 WHERE r.entity = :'entity'
    OR EXISTS (SELECT 1
                 FROM tviews.pg_tview_reads rd
                 JOIN tviews.registry l ON l.entity = :'entity'
                WHERE rd.entity = r.entity AND rd.entity <> l.entity AND rd.relid = l.view::oid)
 ORDER BY r.entity;
