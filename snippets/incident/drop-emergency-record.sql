-- ---
-- title: Drop emergency-disable.sql's record once the review is written
-- description: >-
--   Drops the table pgtv_emergency.disabled_trigger and the schema pgtv_emergency that
--   emergency-disable.sql created, after printing how many triggers it recorded and over
--   which period. Refuses, changing nothing, while a recorded trigger is still to restore (run
--   emergency-restore.sql first), and leaves the schema if anything else was put in it. Save
--   the record with the review's evidence first (incident/timeline, or SELECT * FROM
--   pgtv_emergency.disabled_trigger): it is the only trace of who disabled which trigger
--   when. Without a record it does nothing.
-- safety: destructive
-- changes: Drops pgtv_emergency.disabled_trigger, with every row of it, and the schema pgtv_emergency.
-- undo: >-
--   None for the rows; the next run of emergency-disable.sql creates an empty record again.
-- privileges:
--   - owner of the schema pgtv_emergency (whoever first ran emergency-disable.sql) or a superuser
-- expect:
--   output: ['nothing to drop']
-- timeout: 30s
-- ---
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
SELECT to_regclass('pgtv_emergency.disabled_trigger') IS NOT NULL AS pgtv_has_record \gset
\if :pgtv_has_record
DO $pending$
DECLARE
    pending bigint;
BEGIN
    SELECT count(*) INTO pending FROM pgtv_emergency.disabled_trigger WHERE restored_at IS NULL;
    IF pending > 0 THEN
        RAISE EXCEPTION 'drop-emergency-record: % recorded triggers are still to restore; nothing was dropped', pending
              USING HINT = 'run emergency-restore.sql first (then refresh the TVIEWs it lists)';
    END IF;
END
$pending$;
\echo '== Dropping this record'
SELECT count(*) AS triggers_recorded,
       count(DISTINCT entity) AS tviews,
       date_trunc('second', min(disabled_at)) AS first_disabled,
       date_trunc('second', max(restored_at)) AS last_restored
  FROM pgtv_emergency.disabled_trigger;
SET lock_timeout = '5s';
DROP TABLE pgtv_emergency.disabled_trigger;
-- Without CASCADE: the schema stays if anything else was put in it.
DROP SCHEMA pgtv_emergency;
RESET lock_timeout;
\echo 'dropped pgtv_emergency.disabled_trigger and the schema pgtv_emergency'
\else
\echo 'nothing to drop: there is no pgtv_emergency.disabled_trigger in this database'
\endif
