-- ---
-- title: Your own transaction's pg_tviews queue, refresh counters and lock waits
-- description: >-
--   pg_tviews_queue_stats() and pg_tviews_debug_queue() describe the transaction of the
--   session that calls them, and nothing else. Run this inside a long load or migration,
--   between its statements and before COMMIT, to see how many TVIEW rows that transaction
--   has refreshed, how long the refreshes took and how long they waited for other writers'
--   value locks. queue_size is 0 between statements: each statement's flush trigger applies
--   what it queued. Keys still queued (queued_tviews says whose) mean a flush trigger is
--   disabled or missing: an explicit COMMIT or PREPARE TRANSACTION still applies them, an
--   autocommit write fails with 55000. flushes, total_refreshes, total_timing_ms and the
--   value-lock figures start again at 0 in every transaction; session_view_recomputes counts
--   for the whole session. From any other session this shows nothing of this one.
-- safety: read-only
-- privileges:
--   - any role that can connect (USAGE on schema tviews is granted to PUBLIC)
-- expect:
--   columns: [queue_size, queued_tviews, flushes, total_refreshes, total_timing_ms, value_locks, value_lock_waits, value_lock_wait_ms, session_view_recomputes, stats]
--   rows: { min: 1, max: 1 }
-- timeout: 10s
-- ---
SELECT (s ->> 'queue_size')::bigint AS queue_size,
       (SELECT string_agg(format('%s (%s keys)', k.entity, k.n), ', ' ORDER BY k.entity)
          FROM (SELECT e ->> 'entity' AS entity, count(*) AS n
                  FROM jsonb_array_elements(q) AS e
                 GROUP BY 1) AS k) AS queued_tviews,
       (s ->> 'flushes')::bigint AS flushes,
       (s ->> 'total_refreshes')::bigint AS total_refreshes,
       round((s ->> 'total_timing_ms')::numeric, 1) AS total_timing_ms,
       (s ->> 'value_locks')::bigint AS value_locks,
       (s ->> 'value_lock_waits')::bigint AS value_lock_waits,
       round((s ->> 'value_lock_wait_ms')::numeric, 1) AS value_lock_wait_ms,
       (s ->> 'view_recomputes')::bigint AS session_view_recomputes,
       s AS stats
  FROM tviews.pg_tviews_queue_stats() AS s,
       tviews.pg_tviews_debug_queue() AS q;
