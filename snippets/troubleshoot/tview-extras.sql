-- ---
-- title: Constraints, unique indexes and triggers someone added to TVIEW tables
-- description: >-
--   pg_tviews gives a tv_ table a primary key on its key column (pk_<entity>), NOT NULL on the
--   key and id, and the indexes it manages (tviews.registry.managed_indexes), nothing else. A
--   CHECK, UNIQUE or foreign-key constraint, an exclusion constraint, a unique index or a
--   trigger added to it later applies to every row pg_tviews writes: when source data does not
--   satisfy it, the refresh fails, and so do the application's writes to the tb_ tables that
--   reach the TVIEW. This lists them per TVIEW, with their definitions. No rows: nothing extra.
-- safety: read-only
-- privileges:
--   - any role (the catalogs are readable by all)
-- expect:
--   columns: [tview, kind, name, definition]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
WITH tview AS (
    SELECT r.entity, r.identity,
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
  -- NOT NULL constraints (recorded in pg_constraint from PostgreSQL 18 on) are listed below
  JOIN pg_constraint con ON con.conrelid = t.relid AND con.contype NOT IN ('p', 'n')
UNION ALL
-- NOT NULL on a column other than the key and id, which pg_tviews declares NOT NULL itself.
SELECT t.relid::text, 'not null', a.attname::text, 'NOT NULL ' || quote_ident(a.attname)
  FROM tview t
  JOIN pg_attribute a ON a.attrelid = t.relid AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull
 WHERE a.attname <> 'id' AND a.attname <> ALL (t.identity)
UNION ALL
-- Unique indexes that back no constraint (those are listed above).
SELECT t.relid::text, 'unique index', i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
  FROM tview t
  JOIN pg_index i ON i.indrelid = t.relid AND i.indisunique
 WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
UNION ALL
SELECT t.relid::text, 'trigger', tg.tgname::text, pg_get_triggerdef(tg.oid)
  FROM tview t
  JOIN pg_trigger tg ON tg.tgrelid = t.relid AND NOT tg.tgisinternal
 ORDER BY 1, 2, 3;
