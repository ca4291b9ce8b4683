-- ---
-- title: Refresh TVIEWs in dependency order, one transaction each, with a pause between
-- description: >-
--   Rebuilds the chosen TVIEWs with pg_tviews_refresh, lowest dependency level first, each in a
--   transaction of its own (a DO block that psql's \gexec runs), sleeping between them. Only
--   one tv_ table is locked at a time and each lock is released as soon as its TVIEW is done;
--   a TVIEW that fails is rolled back alone, reported, and the TVIEWs depending on it are
--   skipped. The last table lists every TVIEW with its outcome; if any is not "refreshed" the
--   script ends with an error (psql exit status 3), after the TVIEWs before it were committed.
--   statement_timeout (or Ctrl-C) stops the whole batch at the TVIEW it interrupts.
-- safety: writes
-- privileges:
--   - owner of each tv_ table refreshed, or a superuser
--   - SELECT on the v_ views and the tables they read
--   - TEMPORARY on the database (the batch keeps its plan in a temporary table)
-- params:
--   only:
--     kind: literal
--     description: "* for every TVIEW, or a comma-separated list of entity names (e.g. post,comment)"
--     value: "*"
--   pause:
--     kind: literal
--     description: seconds to sleep between two TVIEWs, to let other work through (e.g. 30)
--     value: "0.2"
--   lock_timeout:
--     kind: literal
--     description: how long each TVIEW waits for its table's lock before it is marked failed (e.g. 5s)
--     value: 5s
--   statement_timeout:
--     kind: literal
--     description: the longest one TVIEW's refresh may run before the batch stops (e.g. 30min)
--     value: 5min
-- expect:
--   columns: [position, level, entity, outcome, started_at, seconds, row_count, detail]
--   rows: { min: 1 }
--   output: ['refreshed']
-- timeout: 10min
-- ---
\set ON_ERROR_STOP on
SET lock_timeout = :'lock_timeout';
SET statement_timeout = :'statement_timeout';
-- pg_tviews' set-returning functions are planned at 1,000 rows a call, which makes this
-- catalog query look expensive enough for JIT compilation: 0.6 s spent compiling a 2 ms query.
SET jit = off;

-- The plan: one row per TVIEW to refresh, in dependency order (see refresh/dependency-order).
CREATE TEMP TABLE refresh_batch (
    position int PRIMARY KEY,
    level int NOT NULL,
    entity text NOT NULL,
    depends_on text[] NOT NULL,
    outcome text NOT NULL DEFAULT 'pending',
    started_at timestamptz,
    seconds numeric,
    row_count bigint,
    detail text
);

WITH chain AS (
    SELECT p.depth, p.entity_name, p.depends_on
      FROM tviews.registry r
     CROSS JOIN LATERAL tviews.pg_tviews_show_cascade_path(r.entity) p
),
chosen AS (
    SELECT r.entity,
           coalesce((SELECT max(ch.depth) FROM chain ch WHERE ch.entity_name = r.entity), 0) AS level,
           coalesce((SELECT array_agg(DISTINCT ch.depends_on)
                       FROM chain ch
                      WHERE ch.entity_name = r.entity AND ch.depth > 0), '{}') AS depends_on
      FROM tviews.registry r
     WHERE :'only' = '*'
        OR r.entity = ANY (string_to_array(replace(:'only', ' ', ''), ','))
)
INSERT INTO refresh_batch (position, level, entity, depends_on)
SELECT row_number() OVER (ORDER BY level, entity), level, entity, depends_on
  FROM chosen;

-- One DO block per TVIEW, then a pause; \gexec runs each value below as a statement of its
-- own, so every TVIEW is refreshed and committed in its own transaction.
SELECT format($do$
DO $refresh$
DECLARE
    started timestamptz := clock_timestamp();
    not_done text;
    refreshed_rows bigint;
BEGIN
    SELECT string_agg(b.entity || ' ' || b.outcome, ', ') INTO not_done
      FROM refresh_batch b
     WHERE b.entity = ANY (%2$L::text[]) AND b.outcome <> 'refreshed';
    IF not_done IS NOT NULL THEN
        UPDATE refresh_batch SET outcome = 'skipped', detail = 'depends on ' || not_done WHERE entity = %1$L;
        RAISE WARNING 'skipped %%: it depends on %%', %1$L, not_done;
        RETURN;
    END IF;
    PERFORM tviews.pg_tviews_refresh(%1$L);
    EXECUTE format('SELECT count(*) FROM %%I.%%I', %3$L, %4$L) INTO refreshed_rows;
    UPDATE refresh_batch
       SET outcome = 'refreshed', started_at = started, row_count = refreshed_rows,
           seconds = round(extract(epoch FROM clock_timestamp() - started)::numeric, 3)
     WHERE entity = %1$L;
    RAISE NOTICE 'refreshed %% (%% rows) in %% s', %1$L, refreshed_rows,
        round(extract(epoch FROM clock_timestamp() - started)::numeric, 3);
EXCEPTION WHEN OTHERS THEN
    -- The refresh is rolled back to before it started: the TVIEW keeps its old rows.
    UPDATE refresh_batch
       SET outcome = 'failed', started_at = started, detail = SQLSTATE || ' ' || SQLERRM
     WHERE entity = %1$L;
    RAISE WARNING 'refresh of %% failed (SQLSTATE %%): %%', %1$L, SQLSTATE, SQLERRM;
END
$refresh$
$do$, b.entity, b.depends_on, r.schema, r.name),
       CASE WHEN b.position < (SELECT max(position) FROM refresh_batch)
            THEN format('DO $pause$ BEGIN PERFORM pg_sleep(%s); END $pause$', (:'pause')::numeric)
       END
  FROM refresh_batch b
  JOIN tviews.registry r USING (entity)
 ORDER BY b.position
\gexec

SELECT position, level, entity, outcome, started_at, seconds, row_count, detail
  FROM refresh_batch
 ORDER BY position;

DO $check$
BEGIN
    IF EXISTS (SELECT 1 FROM refresh_batch WHERE outcome <> 'refreshed') THEN
        RAISE EXCEPTION 'not every TVIEW was refreshed: see the outcome and detail columns above'
              USING HINT = 'fix the cause, then run the batch again with only => the TVIEWs not refreshed';
    END IF;
END
$check$;

RESET statement_timeout;
RESET lock_timeout;
RESET jit;
