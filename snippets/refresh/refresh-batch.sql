-- ---
-- title: Refresh TVIEWs in dependency order, one transaction each, with a pause between
-- description: >-
--   Rebuilds the chosen TVIEWs with pg_tviews_refresh, lowest dependency level first, each call
--   in a transaction of its own (a DO block that psql's \gexec runs), sleeping between them.
--   pg_tviews_refresh also rebuilds every TVIEW that reads the one refreshed, in the same
--   transaction: those are part of the batch too, marked "refreshed" with the TVIEW that
--   rebuilt them in detail, and are not rebuilt a second time. Only the TVIEWs of one call are
--   locked at a time, and their locks are released when it commits. A call that fails is
--   rolled back alone, reported, and the TVIEWs depending on it are skipped. The last table
--   lists every TVIEW with its outcome; if any is not "refreshed" the script ends with an error
--   (psql exit status 3), after the calls before it were committed. statement_timeout (or
--   Ctrl-C) stops the whole batch at the call it interrupts.
-- safety: writes
-- privileges:
--   - owner of each tv_ table refreshed (or of the extension), or a superuser
--   - SELECT on the tv_ tables, to count their rows
--   - TEMPORARY on the database (the batch keeps its plan in a temporary table)
-- params:
--   only:
--     kind: literal
--     description: "* for every TVIEW, or a comma-separated list of entity names (e.g. post,comment)"
--     value: "*"
--   pause:
--     kind: literal
--     description: seconds to sleep between two calls, to let other work through (e.g. 30)
--     value: "0.2"
--   lock_timeout:
--     kind: literal
--     description: how long each call waits for its tables' locks before it is marked failed (e.g. 5s)
--     value: 5s
--   statement_timeout:
--     kind: literal
--     description: the longest one call (a TVIEW and those rebuilt with it) may run before the batch stops (e.g. 30min)
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
-- catalog query look expensive enough for JIT compilation, slower than running it.
SET jit = off;

-- The plan: one row per TVIEW to refresh, in dependency order (see refresh/dependency-order).
CREATE TEMP TABLE refresh_batch (
    position int PRIMARY KEY,
    level int NOT NULL,
    entity text NOT NULL UNIQUE,
    depends_on text[] NOT NULL,
    also_rebuilds text[] NOT NULL,
    outcome text NOT NULL DEFAULT 'pending',
    started_at timestamptz,
    seconds numeric,
    row_count bigint,
    detail text
);

WITH chain AS (
    SELECT r.entity AS root, p.depth, p.entity, p.depends_on
      FROM tviews.registry r
     CROSS JOIN LATERAL tviews.pg_tviews_show_cascade_path(r.entity) p
),
asked AS (
    SELECT r.entity
      FROM tviews.registry r
     WHERE :'only' = '*'
        OR r.entity = ANY (string_to_array(replace(:'only', ' ', ''), ','))
),
chosen AS (
    -- What was asked for, and what pg_tviews_refresh rebuilds with it anyway.
    SELECT a.entity FROM asked a
    UNION
    SELECT ch.entity FROM chain ch JOIN asked a ON a.entity = ch.root
),
planned AS (
    SELECT c.entity,
           coalesce((SELECT max(ch.depth) FROM chain ch WHERE ch.entity = c.entity), 0) AS level,
           coalesce((SELECT array_agg(DISTINCT ch.depends_on)
                       FROM chain ch
                      WHERE ch.entity = c.entity AND ch.depth > 0), '{}') AS depends_on,
           coalesce((SELECT array_agg(DISTINCT ch.entity)
                       FROM chain ch
                      WHERE ch.root = c.entity AND ch.depth > 0), '{}') AS also_rebuilds
      FROM chosen c
)
INSERT INTO refresh_batch (position, level, entity, depends_on, also_rebuilds)
SELECT row_number() OVER (ORDER BY level, entity), level, entity, depends_on, also_rebuilds
  FROM planned;

-- One DO block per TVIEW, then a pause; \gexec runs each value below as a statement of its
-- own, so every pg_tviews_refresh call is committed in its own transaction.
SELECT format($do$
DO $refresh$
DECLARE
    started timestamptz := clock_timestamp();
    not_done text;
    counted bigint;
    rebuilt record;
BEGIN
    IF (SELECT b.outcome FROM refresh_batch b WHERE b.entity = %1$L) = 'refreshed' THEN
        RETURN;  -- already rebuilt by the refresh of a TVIEW it reads
    END IF;
    SELECT string_agg(b.entity || ' ' || b.outcome, ', ') INTO not_done
      FROM refresh_batch b
     WHERE b.entity = ANY (%2$L::text[]) AND b.outcome <> 'refreshed';
    IF not_done IS NOT NULL THEN
        UPDATE refresh_batch SET outcome = 'skipped', detail = 'depends on ' || not_done WHERE entity = %1$L;
        RAISE WARNING 'skipped %%: it depends on %%', %1$L, not_done;
        RETURN;
    END IF;
    PERFORM tviews.pg_tviews_refresh(%1$L);
    -- The TVIEW and every TVIEW the call rebuilt with it: count their rows.
    FOR rebuilt IN
        SELECT r.entity, r.schema, r.name
          FROM tviews.registry r
         WHERE r.entity = %1$L OR r.entity = ANY (%3$L::text[])
    LOOP
        EXECUTE format('SELECT count(*) FROM %%I.%%I', rebuilt.schema, rebuilt.name) INTO counted;
        UPDATE refresh_batch
           SET outcome = 'refreshed', started_at = started, row_count = counted,
               seconds = round(extract(epoch FROM clock_timestamp() - started)::numeric, 3),
               detail = CASE WHEN rebuilt.entity <> %1$L THEN 'rebuilt with ' || %1$L END
         WHERE entity = rebuilt.entity;
    END LOOP;
    RAISE NOTICE 'refreshed %% in %% s',
        %1$L || CASE WHEN cardinality(%3$L::text[]) > 0 THEN ' and ' || array_to_string(%3$L::text[], ', ') ELSE '' END,
        round(extract(epoch FROM clock_timestamp() - started)::numeric, 3);
EXCEPTION WHEN OTHERS THEN
    -- The call is rolled back to before it started: every TVIEW keeps its old rows.
    UPDATE refresh_batch
       SET outcome = 'failed', started_at = started, detail = SQLSTATE || ' ' || SQLERRM
     WHERE entity = %1$L;
    RAISE WARNING 'refresh of %% failed (SQLSTATE %%): %%', %1$L, SQLSTATE, SQLERRM;
END
$refresh$
$do$, b.entity, b.depends_on, b.also_rebuilds),
       CASE WHEN b.position < (SELECT max(position) FROM refresh_batch)
            THEN format('DO $pause$ BEGIN IF EXISTS (SELECT 1 FROM refresh_batch WHERE position > %s AND outcome = ''pending'') THEN PERFORM pg_sleep(%s); END IF; END $pause$',
                        b.position, (:'pause')::numeric)
       END
  FROM refresh_batch b
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
