-- ---
-- title: Is pg_tviews installed, loaded and the version we verified?
-- description: >-
--   The first quick check. One row per fact: the extension's installed version in this
--   database, the version of the loaded library, whether pg_tviews is preloaded (its hooks
--   and background workers need shared_preload_libraries), whether this database is one where
--   pg_tviews refills reset UNLOGGED TVIEWs after a crash restart or a promotion
--   (pg_tviews.auto_rebuild_databases), and how many TVIEWs are registered. Takes milliseconds.
-- safety: read-only
-- privileges:
--   - any role that can connect (pg_extension, pg_settings and schema tviews are readable by all)
-- expect:
--   columns: [check_name, value, status]
--   rows: { min: 5, max: 5 }
--   output: ['installed_version', 'preloaded']
-- timeout: 10s
-- ---
-- If this fails with 'schema "tviews" does not exist', pg_tviews is not installed in this
-- database (or was installed into another schema: \dx pg_tviews shows where).
-- status: OK, or PROBLEM with what is wrong in value.
SELECT 'installed_version' AS check_name,
       e.extversion AS value,
       CASE WHEN e.extversion = tviews.pg_tviews_version() THEN 'OK'
            ELSE 'PROBLEM: the library is ' || tviews.pg_tviews_version() || ' (ALTER EXTENSION pg_tviews UPDATE, or restart after installing)'
       END AS status
  FROM pg_extension e
 WHERE e.extname = 'pg_tviews'
UNION ALL
SELECT 'library_version', tviews.pg_tviews_version(), 'OK'
UNION ALL
SELECT 'preloaded',
       current_setting('shared_preload_libraries'),
       CASE WHEN 'pg_tviews' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ','))
            THEN 'OK'
            ELSE 'PROBLEM: add pg_tviews to shared_preload_libraries and restart; until then TVIEW DDL is refused'
       END
UNION ALL
SELECT 'auto_rebuild',
       coalesce(nullif(current_setting('pg_tviews.auto_rebuild_databases', true), ''), '(none)'),
       CASE WHEN string_to_array(replace(coalesce(current_setting('pg_tviews.auto_rebuild_databases', true), ''), ' ', ''), ',')
                 && ARRAY['*', current_database()::text]
              OR NOT EXISTS (SELECT 1 FROM tviews.registry r WHERE (r.options ->> 'logged')::boolean IS FALSE)
            THEN 'OK'
            ELSE 'PROBLEM: UNLOGGED TVIEWs of this database stay empty after a crash restart or a promotion until a write reaches them or someone rebuilds them'
       END
UNION ALL
SELECT 'registered_tviews',
       (SELECT count(*) FROM tviews.registry)::text,
       CASE WHEN (SELECT count(*) FROM tviews.registry) > 0 THEN 'OK'
            ELSE 'PROBLEM: no TVIEW is registered in this database (wrong database?)'
       END;
