-- ---
-- title: Re-register one TVIEW (re-installs its missing triggers)
-- description: >-
--   Calls tviews.pg_tviews_reregister(entity): pg_tviews derives the TVIEW's metadata and
--   triggers again from its stored definition and installs the triggers that are missing.
--   Its rows are not touched, so changes made while a trigger was missing stay missing:
--   refresh the TVIEW afterwards. A NOTICE "Cascade path from 'v_…' unresolvable" for a
--   TVIEW built on another TVIEW's view is expected and harmless (its refreshes still
--   cascade). Installing a trigger briefly locks the table; lock_timeout caps the wait.
-- safety: writes
-- privileges:
--   - owner of tv_<entity> (or of the extension), and of the tables that get triggers
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name, without the tv_ prefix (e.g. post for tv_post)
--     value: post
-- expect:
--   columns: [entity, row_triggers, statement_triggers]
--   rows: { min: 1, max: 1 }
-- timeout: 60s
-- ---
SET lock_timeout = '5s';
SELECT tviews.pg_tviews_reregister(:'entity');
RESET lock_timeout;

-- Triggers now carrying the entity: one row and one statement trigger per table it reads.
SELECT :'entity' AS entity,
       count(*) FILTER (WHERE p.proname = 'pg_tview_trigger_handler') AS row_triggers,
       count(*) FILTER (WHERE p.proname = 'pg_tview_flush_trigger') AS statement_triggers
  FROM pg_trigger tg
  JOIN pg_proc p ON p.oid = tg.tgfoid
 WHERE p.pronamespace = 'tviews'::regnamespace
   AND tg.tgparentid = 0
   AND tg.tgnargs = 1
   AND convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) = :'entity';
