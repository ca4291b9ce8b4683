-- ---
-- title: Rebuild one TVIEW from its view, then prove it matches
-- description: >-
--   Calls pg_tviews_refresh(entity): in one transaction it empties tv_<entity> (TRUNCATE) and
--   fills it again from v_<entity>. It holds an ACCESS EXCLUSIVE lock on tv_<entity> until it
--   commits, so readers of the TVIEW, and writers to the tb_ tables whose triggers update it,
--   wait for the whole rebuild. lock_timeout bounds the wait for that lock (a refresh queued
--   behind a long reader would otherwise block every new reader too); statement_timeout bounds
--   each statement. On any error psql stops (ON_ERROR_STOP): the refresh is rolled back and the
--   TVIEW keeps its old rows. Then the rows that still differ from the view are counted: 0.
-- safety: writes
-- privileges:
--   - owner of tv_<entity> (pg_tviews_refresh truncates it) or a superuser
--   - SELECT on v_<entity> and the tables it reads
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name, without the tv_ prefix (e.g. post for tv_post)
--     value: post
--   lock_timeout:
--     kind: literal
--     description: >-
--       how long to wait for the TVIEW's lock before giving up (e.g. 5s); keep it short on a
--       busy system, every new reader queues behind a waiting refresh
--     value: 5s
--   statement_timeout:
--     kind: literal
--     description: >-
--       the longest the rebuild, and then the comparison, may each run (e.g. 30min); allow
--       about twice the time the last refresh of this TVIEW took
--     value: 5min
-- expect:
--   columns: [entity, differing_rows_after]
--   rows: { min: 1, max: 1 }
--   output: ['\b0\b']
-- timeout: 10min
-- ---
\set ON_ERROR_STOP on
SET lock_timeout = :'lock_timeout';
SET statement_timeout = :'statement_timeout';

SELECT tviews.pg_tviews_refresh(:'entity');

-- Post-check, in a transaction of its own: rows of v_<entity> missing from tv_<entity> plus
-- rows of tv_<entity> that v_<entity> does not return, on the view's columns (pg_tviews adds
-- created_at and updated_at to the table; they are not compared).
SELECT r.entity,
       (xpath('/row/n/text()', query_to_xml(format(
           'SELECT coalesce(sum(abs(in_view - in_tview)), 0) AS n FROM ('
           '  SELECT sum(s.in_view) AS in_view, sum(s.in_tview) AS in_tview FROM ('
           '    SELECT 1 AS in_view, 0 AS in_tview, %1$s FROM %4$s'
           '    UNION ALL SELECT 0, 1, %1$s FROM %2$I.%3$I) s'
           '  GROUP BY %1$s) g',
           (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped),
           r.schema, r.name, r.view), false, true, '')))[1]::text::bigint AS differing_rows_after
  FROM tviews.registry r
 WHERE r.entity = :'entity';

RESET statement_timeout;
RESET lock_timeout;
