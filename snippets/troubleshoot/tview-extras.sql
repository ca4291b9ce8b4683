-- ---
-- title: Constraints and triggers someone added to TVIEW tables
-- description: >-
--   pg_tviews gives a tv_ table a primary key on pk_<entity> and NOT NULL columns, nothing
--   else. A CHECK, UNIQUE or foreign-key constraint, an exclusion constraint or a trigger added
--   to it later applies to every row pg_tviews writes: when source data does not satisfy it,
--   the refresh fails, and so do the application's writes to the tb_ tables that reach the
--   TVIEW. This lists them per TVIEW, with their definitions. No rows: nothing extra.
-- safety: read-only
-- privileges:
--   - any role (the catalogs are readable by all)
-- expect:
--   columns: [tview, kind, name, definition]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
WITH tview AS (
    SELECT r.entity,
           CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END AS relid
      FROM tviews.registry r
)
SELECT t.relid::text AS tview,
       CASE con.contype WHEN 'c' THEN 'check constraint' WHEN 'u' THEN 'unique constraint'
                        WHEN 'f' THEN 'foreign key' WHEN 'x' THEN 'exclusion constraint'
                        ELSE 'constraint' END AS kind,
       con.conname::text AS name,
       pg_get_constraintdef(con.oid) AS definition
  FROM tview t
  JOIN pg_constraint con ON con.conrelid = t.relid AND con.contype <> 'p'
UNION ALL
SELECT t.relid::text, 'trigger', tg.tgname::text, pg_get_triggerdef(tg.oid)
  FROM tview t
  JOIN pg_trigger tg ON tg.tgrelid = t.relid AND NOT tg.tgisinternal
 ORDER BY 1, 2, 3;
