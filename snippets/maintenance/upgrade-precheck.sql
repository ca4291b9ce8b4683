-- ---
-- title: Before upgrading pg_tviews, what stands in the way
-- description: >-
--   One row per check, to run in each database that has pg_tviews, before the upgrade and
--   again after installing the new package (before the restart). It compares the release
--   installed in this database, the library the server runs and the release the installed
--   package offers, looks for an update path between them, and lists what the update script of
--   0.1.0-beta.34 refuses or drops (objects of yours that read the created_at / updated_at
--   columns pg_tviews added to TVIEW tables until beta.33, TVIEWs over tables with inheritance
--   children, foreign tables or sequences), pg_tviews' own health errors, TVIEWs waiting to be
--   re-registered, and prepared or long transactions that would hold the update's locks.
--   status is OK, INFO, WARNING or BLOCKER. Reads the catalog only: milliseconds.
-- safety: read-only
-- privileges:
--   - any role that can connect (the catalog and tviews.registry are readable by all); pg_read_all_stats to see other roles' transactions
-- expect:
--   columns: [check_name, value, status, what_to_do]
--   rows: { min: 12, max: 12 }
--   output: ['installed_version', 'update_path']
-- timeout: 30s
-- ---
WITH extension AS (
    SELECT e.extversion AS installed,
           (SELECT a.default_version FROM pg_available_extensions a WHERE a.name = 'pg_tviews') AS available,
           tviews.pg_tviews_version() AS library
      FROM pg_extension e
     WHERE e.extname = 'pg_tviews'
),
tview AS (
    SELECT r.entity, r.name, r.base_tables, r.needs_reregister,
           CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END AS relid
      FROM tviews.registry r
),
-- Views and materialized views reading columns the beta.34 update drops (a TVIEW's backing
-- view too, when its definition reads another TVIEW's table).
readers_of_dropped_columns AS (
    SELECT DISTINCT format('%s reads %s.%s', rw.ev_class::regclass, t.name, a.attname) AS what
      FROM tview t
      JOIN pg_attribute a ON a.attrelid = t.relid AND a.attname IN ('created_at', 'updated_at') AND NOT a.attisdropped
      JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = t.relid AND d.refobjsubid = a.attnum
      JOIN pg_rewrite rw ON d.classid = 'pg_rewrite'::regclass AND rw.oid = d.objid
     WHERE rw.ev_class <> t.relid
),
-- Tables a TVIEW reads that beta.34 refuses to re-derive it over.
refused_reads AS (
    SELECT DISTINCT format('tv_%s reads %s (%s)', t.entity, c.oid::regclass,
                           CASE c.relkind WHEN 'f' THEN 'a foreign table' WHEN 'S' THEN 'a sequence'
                                          ELSE 'a table with inheritance children: read it FROM ONLY' END) AS what
      FROM tview t
      CROSS JOIN LATERAL unnest(t.base_tables) AS b(relid)
      JOIN pg_class c ON c.oid = b.relid
     WHERE c.relkind IN ('f', 'S')
        OR (c.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid))
),
tview_columns AS (
    SELECT count(*) FILTER (WHERE a.attname IN ('created_at', 'updated_at')) AS added_columns
      FROM tview t
      JOIN pg_attribute a ON a.attrelid = t.relid AND a.attnum > 0 AND NOT a.attisdropped
),
health AS (
    -- The catalog row (library and catalog of different releases) is library_version's.
    SELECT string_agg(h.component || ': ' || h.message, '; ') FILTER (WHERE h.status = 'ERROR' AND h.component <> 'catalog') AS errors
      FROM tviews.pg_tviews_health_check() h
)
SELECT 'installed_version' AS check_name, x.installed AS value, 'INFO' AS status,
       'the release this database''s catalog is at' AS what_to_do
  FROM extension x
UNION ALL
SELECT 'library_version', x.library,
       CASE WHEN x.library = x.installed THEN 'OK' ELSE 'BLOCKER' END,
       CASE WHEN x.library = x.installed THEN 'the server runs the library of the installed release'
            ELSE 'the server runs another library than the catalog''s: writes to TVIEW sources fail until ALTER EXTENSION pg_tviews UPDATE (maintenance/upgrade-extension)' END
  FROM extension x
UNION ALL
SELECT 'available_version', x.available,
       CASE WHEN x.available = x.installed THEN 'INFO' ELSE 'OK' END,
       CASE WHEN x.available = x.installed THEN 'the package installed on this server is the same release: install the new package first'
            ELSE 'the new package is installed; the server loads its library at the next restart' END
  FROM extension x
UNION ALL
SELECT 'update_path',
       coalesce((SELECT p.path FROM pg_extension_update_paths('pg_tviews') p
                  WHERE p.source = x.installed AND p.target = x.available), '(none)'),
       CASE WHEN x.available = x.installed THEN 'INFO'
            WHEN EXISTS (SELECT 1 FROM pg_extension_update_paths('pg_tviews') p
                          WHERE p.source = x.installed AND p.target = x.available AND p.path IS NOT NULL) THEN 'OK'
            ELSE 'BLOCKER' END,
       CASE WHEN x.available = x.installed THEN 'nothing to update to yet'
            WHEN EXISTS (SELECT 1 FROM pg_extension_update_paths('pg_tviews') p
                          WHERE p.source = x.installed AND p.target = x.available AND p.path IS NOT NULL)
            THEN 'ALTER EXTENSION pg_tviews UPDATE runs these scripts in one transaction'
            ELSE 'the package has no update script from the installed release: it cannot be updated in place' END
  FROM extension x
UNION ALL
SELECT 'tviews', count(*)::text || ' TVIEWs, ' || coalesce(pg_size_pretty(sum(pg_total_relation_size(t.relid))), '0 bytes'),
       'INFO', 'the update locks each TVIEW table (ACCESS EXCLUSIVE) until it commits, and re-derives every TVIEW'
  FROM tview t
UNION ALL
SELECT 'pg_tviews_added_columns', c.added_columns::text,
       CASE WHEN c.added_columns > 0 THEN 'INFO' ELSE 'OK' END,
       CASE WHEN c.added_columns > 0 THEN 'created_at / updated_at columns the 0.1.0-beta.34 update drops from the TVIEW tables (their values are lost; project your own from the source tables if you need them)'
            ELSE 'no TVIEW table has them' END
  FROM tview_columns c
UNION ALL
SELECT 'readers_of_dropped_columns', coalesce(string_agg(r.what, '; '), '(none)'),
       CASE WHEN count(*) > 0 THEN 'BLOCKER' ELSE 'OK' END,
       CASE WHEN count(*) > 0 THEN 'the update fails on these (cannot drop column … because other objects depend on it): change or drop them first, and re-create them without those columns afterwards'
            ELSE 'nothing of yours reads them' END
  FROM readers_of_dropped_columns r
UNION ALL
SELECT 'refused_reads', coalesce(string_agg(r.what, '; '), '(none)'),
       CASE WHEN count(*) > 0 THEN 'BLOCKER' ELSE 'OK' END,
       CASE WHEN count(*) > 0 THEN 'the 0.1.0-beta.34 update refuses to re-derive these TVIEWs and fails: read FROM ONLY the parent, set uncascaded_policy to warn, or drop the TVIEW first'
            ELSE 'no TVIEW reads a table the update refuses' END
  FROM refused_reads r
UNION ALL
SELECT 'health_errors', coalesce(h.errors, '(none)'),
       CASE WHEN h.errors IS NULL THEN 'OK' ELSE 'BLOCKER' END,
       CASE WHEN h.errors IS NULL THEN 'pg_tviews'' health check reports no ERROR'
            ELSE 'fix these first (TVIEW health check runbook): the update re-derives every TVIEW and fails on a broken one' END
  FROM health h
UNION ALL
SELECT 'needs_reregister', count(*) FILTER (WHERE t.needs_reregister)::text,
       CASE WHEN count(*) FILTER (WHERE t.needs_reregister) > 0 THEN 'WARNING' ELSE 'OK' END,
       'TVIEWs registered by an older release; the update re-derives them anyway'
  FROM tview t
UNION ALL
SELECT 'prepared_transactions', count(*)::text,
       CASE WHEN count(*) > 0 THEN 'BLOCKER' ELSE 'OK' END,
       CASE WHEN count(*) > 0 THEN 'finish them (Queue management runbook): they keep their locks across the restart and the update waits for them'
            ELSE 'none' END
  FROM pg_prepared_xacts p
 WHERE p.database = current_database()
UNION ALL
SELECT 'long_transactions', count(*)::text,
       CASE WHEN count(*) > 0 THEN 'WARNING' ELSE 'OK' END,
       'transactions open for more than 5 minutes in this database: the restart ends them, and the update would wait for those holding a TVIEW'
  FROM pg_stat_activity a
 WHERE a.datname = current_database()
   AND a.pid <> pg_backend_pid()
   AND a.xact_start < now() - interval '5 minutes';
