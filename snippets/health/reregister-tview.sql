-- ---
-- title: Re-register one TVIEW (re-derives its plan, re-installs missing triggers)
-- description: >-
--   Calls tviews.pg_tviews_reregister(tview): pg_tviews derives the TVIEW's propagation plan
--   again from its stored definition and installs every trigger it needs that is not there
--   (row, flush, TRUNCATE, or the delta trigger of one event). It is the remedy for missing
--   triggers, for a plan pg_tviews can no longer read, for a TVIEW flagged needs_reregister,
--   and for a TVIEW whose upstream TVIEW is no longer registered (LOST_UPSTREAM). Its rows are
--   not touched, so changes made while it was broken stay missing: refresh it afterwards.
--   Installing a trigger briefly locks its table; lock_timeout caps the wait at 5 s.
-- safety: writes
-- privileges:
--   - owner of the tv_ table (or of the extension), and of the tables that get triggers
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW, as its entity (post), its table (tv_post) or schema.table
--     value: post
-- expect:
--   columns: [entity, result, row_triggers, flush_triggers, truncate_triggers, delta_triggers, disabled_triggers]
--   rows: { min: 1, max: 1 }
-- timeout: 60s
-- ---
SET lock_timeout = '5s';
SELECT tviews.pg_tviews_reregister(:'entity') AS result \gset
RESET lock_timeout;

-- pg_tviews' triggers now carrying the entity, by kind (health/trigger-problems lists what
-- is still missing, which should be nothing).
SELECT tviews.pg_tviews_entity_of(:'entity') AS entity,
       :'result' AS result,
       count(*) FILTER (WHERE p.proname = 'pg_tview_trigger_handler') AS row_triggers,
       count(*) FILTER (WHERE p.proname = 'pg_tview_flush_trigger') AS flush_triggers,
       count(*) FILTER (WHERE p.proname = 'pg_tview_truncate_trigger') AS truncate_triggers,
       count(*) FILTER (WHERE p.proname = 'pg_tview_delta_trigger') AS delta_triggers,
       count(*) FILTER (WHERE tg.tgenabled IN ('D', 'R')) AS disabled_triggers
  FROM pg_trigger tg
  JOIN pg_proc p ON p.oid = tg.tgfoid
 WHERE p.pronamespace = 'tviews'::regnamespace
   AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger', 'pg_tview_truncate_trigger', 'pg_tview_delta_trigger')
   AND tg.tgparentid = 0
   AND tg.tgnargs = 1
   AND convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) = tviews.pg_tviews_entity_of(:'entity');
