-- ---
-- title: Refresh one TVIEW, retrying while its lock is busy
-- description: >-
--   Tries pg_tviews_refresh(entity) up to `attempts` times. Each attempt waits at most
--   lock_timeout for each lock it needs (the tables of the TVIEW and of the TVIEWs that read
--   it, and pg_tviews' own locks on the tables they read); an attempt that fails on a lock
--   timeout, a deadlock or a serialization failure is rolled back to before it started (a
--   PL/pgSQL exception block), a WARNING names the error and the sessions holding conflicting
--   locks at that moment, and the next attempt follows after `pause` seconds. Any other error
--   (a constraint, a missing table, a wrong name) is not retried: it stops the script with the
--   original message (psql exit status 3). Retrying is safe: a failed attempt changes nothing,
--   and a refresh rebuilds whole TVIEWs from their views, so running it twice gives the same
--   rows. Ends with the post-check: rows that differ from the views, 0 expected.
-- safety: writes
-- privileges:
--   - owner of tv_<entity> (or of the extension), or a superuser
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews)
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name (post for tv_post); tv_post and public.tv_post are accepted too
--     value: post
--   attempts:
--     kind: literal
--     description: how many times to try (e.g. 5)
--     value: "3"
--   lock_timeout:
--     kind: literal
--     description: how long each attempt waits for the TVIEW's lock (e.g. 3s)
--     value: 2s
--   pause:
--     kind: literal
--     description: seconds to wait between attempts (e.g. 10)
--     value: "1"
--   statement_timeout:
--     kind: literal
--     description: >-
--       the longest all attempts together may take, pauses included, and then the post-check
--       (e.g. 30min)
--     value: 5min
-- expect:
--   columns: [entity, differing_rows_after]
--   rows: { min: 1 }
--   output: ['attempt 1/3: .* refreshed', '\b0\b']
-- timeout: 10min
-- ---
\set ON_ERROR_STOP on
SET statement_timeout = :'statement_timeout';
-- The DO block below cannot read psql variables: hand them over as session settings.
SET refresh_retry.entity = :'entity';
SET refresh_retry.attempts = :'attempts';
SET refresh_retry.lock_timeout = :'lock_timeout';
SET refresh_retry.pause = :'pause';

DO $retry$
DECLARE
    target text := current_setting('refresh_retry.entity');
    attempts int := current_setting('refresh_retry.attempts')::int;
    pause numeric := current_setting('refresh_retry.pause')::numeric;
    tview text;
    rebuilt oid[];
    linked oid[];
    failed_state text;
    failed_message text;
    holders text;
BEGIN
    -- The tables the refresh rebuilds (the TVIEW and its readers) and the tables they read:
    -- the locks a failed attempt may have waited for.
    SELECT min(format('%I.%I', r.schema, r.name)) FILTER (WHERE p.depth = 0),
           array_agg(DISTINCT to_regclass(format('%I.%I', r.schema, r.name))::oid),
           array_agg(DISTINCT b.relid::oid)
      INTO tview, rebuilt, linked
      FROM tviews.pg_tviews_show_cascade_path(target) p
      JOIN tviews.registry r ON r.entity = p.entity AND r.schema IS NOT NULL
     CROSS JOIN LATERAL unnest(r.base_tables) AS b(relid);
    -- Each attempt waits at most this long for a lock (until this transaction ends).
    PERFORM set_config('lock_timeout', current_setting('refresh_retry.lock_timeout'), true);
    FOR attempt IN 1 .. attempts LOOP
        BEGIN
            PERFORM tviews.pg_tviews_refresh(target);
            RAISE NOTICE 'attempt %/%: % refreshed', attempt, attempts, coalesce(tview, target);
            RETURN;
        EXCEPTION WHEN lock_not_available OR deadlock_detected OR serialization_failure THEN
            GET STACKED DIAGNOSTICS failed_state = RETURNED_SQLSTATE, failed_message = MESSAGE_TEXT;
            SELECT string_agg(DISTINCT CASE WHEN l.pid IS NULL THEN 'a prepared transaction'
                                            ELSE 'pid ' || l.pid || coalesce(' (' || a.state || ')', '') END
                              || ' ' || l.mode || ' on '
                              || CASE WHEN l.locktype = 'relation' THEN l.relation::regclass::text
                                      ELSE 'pg_tviews lock on ' || l.classid::regclass::text END, ', ')
              INTO holders
              FROM pg_locks l
              LEFT JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.granted
               -- relation oids repeat across databases: only this database's locks
               AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
               AND l.pid IS DISTINCT FROM pg_backend_pid()
               AND ((l.locktype = 'relation' AND l.relation = ANY (rebuilt))
                    OR (l.locktype = 'advisory' AND l.objsubid = 21623
                        AND l.classid = ANY (linked || rebuilt)
                        AND l.mode NOT IN ('AccessShareLock', 'RowShareLock', 'ShareLock')));
            RAISE WARNING 'attempt %/% failed (SQLSTATE %): %; locks held by: %',
                attempt, attempts, failed_state, failed_message, coalesce(holders, 'no one any more');
            IF attempt < attempts THEN
                PERFORM pg_sleep(pause);
            END IF;
        END;
    END LOOP;
    RAISE EXCEPTION '% not refreshed after % attempts', coalesce(tview, target), attempts
          USING HINT = 'find the session holding the lock with troubleshoot/lock-waits or refresh/lock-precheck, then retry';
END
$retry$;

-- Post-check: for the TVIEW and each TVIEW rebuilt with it, the rows that differ from its
-- backing view (0 expected). \gexec runs the comparison this query writes (jit off:
-- pg_tviews_show_cascade_path is planned at 1,000 rows, enough to make JIT compile it).
SET jit = off;
WITH rebuilt AS (
    SELECT p.entity, max(p.depth) AS depth
      FROM tviews.pg_tviews_show_cascade_path(:'entity') p
     GROUP BY p.entity
)
SELECT 'SELECT entity, differing_rows_after FROM ('
       || string_agg(format(
              'SELECT %1$L::text AS entity, %2$s AS depth,'
              '       coalesce(sum(abs(g.in_view - g.in_tview)), 0) AS differing_rows_after'
              '  FROM (SELECT sum(s.in_view) AS in_view, sum(s.in_tview) AS in_tview'
              '          FROM (SELECT 1 AS in_view, 0 AS in_tview, %3$s FROM %4$s'
              '                UNION ALL SELECT 0, 1, %3$s FROM %5$I.%6$I) s'
              '         GROUP BY %3$s) g',
              r.entity, b.depth,
              (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                 FROM pg_attribute a
                WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped),
              r.view, r.schema, r.name), ' UNION ALL ')
       || ') post_check ORDER BY depth, entity'
  FROM rebuilt b
  JOIN tviews.registry r USING (entity)
 WHERE r.schema IS NOT NULL AND r.view IS NOT NULL
\gexec

RESET jit;
RESET statement_timeout;
