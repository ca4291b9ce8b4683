-- ---
-- title: Refresh one TVIEW, retrying while its lock is busy
-- description: >-
--   Tries pg_tviews_refresh(entity) up to `attempts` times. Each attempt waits at most
--   lock_timeout for the TVIEW's lock; an attempt that fails on a lock timeout, a deadlock or a
--   serialization failure is rolled back to before it started (a PL/pgSQL exception block), a
--   WARNING names the error and the sessions holding locks on the table at that moment, and
--   the next attempt follows after `pause` seconds. Any other error (a constraint, a missing
--   table, a wrong entity name) is not retried: it stops the script with the original message
--   (psql exit status 3). Retrying is safe: a failed attempt changes nothing, and a refresh
--   rebuilds the whole TVIEW from its view, so running it twice gives the same rows. Ends with
--   the post-check: rows that differ from the view, 0 expected.
-- safety: writes
-- privileges:
--   - owner of tv_<entity> (pg_tviews_refresh truncates it) or a superuser
--   - SELECT on v_<entity> and the tables it reads
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name, without the tv_ prefix (e.g. post for tv_post)
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
--   rows: { min: 1, max: 1 }
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
    tview regclass;
    failed_state text;
    failed_message text;
    holders text;
BEGIN
    SELECT to_regclass(format('%I.%I', r.schema, r.name)) INTO tview
      FROM tviews.registry r
     WHERE r.entity = target AND r.schema IS NOT NULL;
    -- Each attempt waits at most this long for a lock (until this transaction ends).
    PERFORM set_config('lock_timeout', current_setting('refresh_retry.lock_timeout'), true);
    FOR attempt IN 1 .. attempts LOOP
        BEGIN
            PERFORM tviews.pg_tviews_refresh(target);
            RAISE NOTICE 'attempt %/%: % refreshed', attempt, attempts, coalesce(tview::text, target);
            RETURN;
        EXCEPTION WHEN lock_not_available OR deadlock_detected OR serialization_failure THEN
            GET STACKED DIAGNOSTICS failed_state = RETURNED_SQLSTATE, failed_message = MESSAGE_TEXT;
            SELECT string_agg(DISTINCT CASE WHEN l.pid IS NULL THEN 'a prepared transaction'
                                            ELSE 'pid ' || l.pid || coalesce(' (' || a.state || ')', '') END
                              || ' ' || l.mode, ', ')
              INTO holders
              FROM pg_locks l
              LEFT JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'relation' AND l.relation = tview AND l.granted
               -- relation oids repeat across databases: only this database's locks
               AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
               AND l.pid IS DISTINCT FROM pg_backend_pid();
            RAISE WARNING 'attempt %/% failed (SQLSTATE %): %; locks on % held by: %',
                attempt, attempts, failed_state, failed_message, tview, coalesce(holders, 'no one any more');
            IF attempt < attempts THEN
                PERFORM pg_sleep(pause);
            END IF;
        END;
    END LOOP;
    RAISE EXCEPTION '% not refreshed after % attempts', coalesce(tview::text, target), attempts
          USING HINT = 'find the session holding the lock with troubleshoot/lock-waits, then retry';
END
$retry$;

-- Post-check: rows that differ between the TVIEW and its view (0 expected).
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
