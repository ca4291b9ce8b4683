-- ---
-- title: Repair a large TVIEW in parts, without locking out its readers
-- description: >-
--   pg_tviews has no partial refresh: pg_tviews_refresh always rebuilds whole tables (the TVIEW's
--   and its readers') under ACCESS EXCLUSIVE locks. This is the alternative for a TVIEW too large
--   to lock that long. It walks the TVIEW's integer key (tviews.registry.identity, pk_<entity>)
--   in ranges of chunk_rows; for each range one statement, in a transaction of its own, writes
--   the rows of the backing view that the table lacks or holds differently (INSERT … ON
--   CONFLICT … WHERE IS DISTINCT FROM) and deletes the rows the view no longer returns, then it
--   pauses. Only changed rows are written and only row locks are taken, so readers never wait.
--   Each part runs at REPEATABLE READ: if a trigger updates a row of the range while the part
--   runs, the part fails with a serialization error instead of overwriting the newer row with
--   an older one; run the snippet again, parts already repaired write nothing. It writes the
--   table directly, not through pg_tviews, and repairs only this TVIEW, not those reading it.
-- safety: writes
-- privileges:
--   - SELECT, INSERT, UPDATE and DELETE on tv_<entity> (its owner has them); SELECT on it also gives SELECT on its backing view
--   - TEMPORARY on the database (the progress is kept in a temporary table)
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name, without the tv_ prefix (e.g. comment for tv_comment)
--     value: comment
--   chunk_rows:
--     kind: literal
--     description: how many primary-key values one part covers (e.g. 10000)
--     value: "2000"
--   pause:
--     kind: literal
--     description: seconds to sleep between two parts (e.g. 0.5)
--     value: "0.1"
--   lock_timeout:
--     kind: literal
--     description: how long a part waits for a row or table lock before the run stops (e.g. 2s)
--     value: 2s
--   statement_timeout:
--     kind: literal
--     description: the longest one part may run before the run stops (e.g. 1min)
--     value: 1min
-- expect:
--   columns: [entity, outcome, parts, first_pk, last_pk, rows_written, rows_removed]
--   rows: { min: 1, max: 1 }
--   output: ['done']
-- timeout: 10min
-- ---
\set ON_ERROR_STOP on
SET lock_timeout = :'lock_timeout';
SET statement_timeout = :'statement_timeout';
-- Each part below is a single statement in autocommit, so each is its own transaction; this
-- makes every one of them REPEATABLE READ.
SET default_transaction_isolation = 'repeatable read';

CREATE TEMP TABLE refresh_in_parts (
    part int PRIMARY KEY,
    first_pk bigint NOT NULL,
    last_pk bigint NOT NULL,
    written bigint,
    removed bigint,
    finished_at timestamptz
);

-- The parts: the primary-key range over both the backing view and the table, read once at
-- the start, cut into ranges of chunk_rows. \gexec runs the INSERT this query writes.
SELECT format(
           'INSERT INTO refresh_in_parts (part, first_pk, last_pk)'
           ' SELECT row_number() OVER (ORDER BY g), g, least(g + %1$s - 1, b.hi)'
           '   FROM (SELECT least((SELECT min(%2$I) FROM %3$s), (SELECT min(%2$I) FROM %4$I.%5$I)) AS lo,'
           '                greatest((SELECT max(%2$I) FROM %3$s), (SELECT max(%2$I) FROM %4$I.%5$I)) AS hi) b'
           '  CROSS JOIN LATERAL generate_series(b.lo, b.hi, %1$s) AS g',
           (:'chunk_rows')::bigint, r.identity[1], r.view, r.schema, r.name)
  FROM tviews.registry r
 WHERE r.entity = :'entity' AND r.schema IS NOT NULL AND r.view IS NOT NULL
\gexec

-- One row per part: the repair statement and, except after the last part, a pause. \gexec
-- runs each value as a statement; each part prints one line: part | first_pk | last_pk |
-- rows written | rows removed.
\pset tuples_only on
WITH tview AS (
    SELECT r.schema, r.name, r.view, quote_ident(r.identity[1]) AS pk,
           string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS cols,
           string_agg(format('%1$I = EXCLUDED.%1$I', a.attname), ', ' ORDER BY a.attnum)
               FILTER (WHERE a.attname <> r.identity[1]) AS assignments,
           string_agg(format('t.%I', a.attname), ', ' ORDER BY a.attnum)
               FILTER (WHERE a.attname <> r.identity[1]) AS stored,
           string_agg(format('EXCLUDED.%I', a.attname), ', ' ORDER BY a.attnum)
               FILTER (WHERE a.attname <> r.identity[1]) AS fresh
      FROM tviews.registry r
      JOIN pg_attribute a ON a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped
     WHERE r.entity = :'entity' AND r.schema IS NOT NULL AND r.view IS NOT NULL
     GROUP BY r.schema, r.name, r.view, r.identity
)
SELECT format(
           'WITH fresh AS (SELECT %1$s FROM %2$s WHERE %3$s BETWEEN %6$s AND %7$s),'
           ' written AS (INSERT INTO %4$I.%5$I AS t (%1$s) SELECT %1$s FROM fresh'
           '   ON CONFLICT (%3$s) DO UPDATE SET %8$s'
           '   WHERE ROW(%9$s) IS DISTINCT FROM ROW(%10$s) RETURNING 1),'
           ' removed AS (DELETE FROM %4$I.%5$I AS t WHERE t.%3$s BETWEEN %6$s AND %7$s'
           '   AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.%3$s = t.%3$s) RETURNING 1)'
           ' UPDATE refresh_in_parts'
           '    SET written = (SELECT count(*) FROM written), removed = (SELECT count(*) FROM removed),'
           '        finished_at = clock_timestamp()'
           '  WHERE part = %11$s'
           ' RETURNING part, first_pk, last_pk, written, removed',
           t.cols, t.view, t.pk, t.schema, t.name, p.first_pk, p.last_pk,
           t.assignments, t.stored, t.fresh, p.part),
       CASE WHEN p.part < (SELECT max(q.part) FROM refresh_in_parts q)
            THEN format('DO $pause$ BEGIN PERFORM pg_sleep(%s); END $pause$', (:'pause')::numeric)
       END
  FROM refresh_in_parts p
 CROSS JOIN tview t
 ORDER BY p.part
\gexec
\pset tuples_only off

SELECT :'entity' AS entity,
       CASE WHEN count(*) = 0 THEN 'NOTHING DONE: no such TVIEW, its table or view is missing, or both are empty' ELSE 'done' END AS outcome,
       count(*) AS parts,
       min(first_pk) AS first_pk,
       max(last_pk) AS last_pk,
       coalesce(sum(written), 0) AS rows_written,
       coalesce(sum(removed), 0) AS rows_removed
  FROM refresh_in_parts
 WHERE finished_at IS NOT NULL;

RESET default_transaction_isolation;
RESET statement_timeout;
RESET lock_timeout;
