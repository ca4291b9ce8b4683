-- ---
-- title: Your own transaction's pg_tviews queue and refresh counters
-- description: >-
--   pg_tviews_queue_stats() and pg_tviews_debug_queue() describe the transaction of the
--   session that calls them, and nothing else. Run this inside a long load or migration,
--   between its statements and before COMMIT, to see how many TVIEW rows that transaction
--   has refreshed and how long the refreshes took. queue_size is 0 between statements
--   (pg_tviews applies its queue at the end of each statement); the counters start again
--   at 0 in every transaction. From any other session it shows zeros, whatever the other
--   sessions are doing.
-- safety: read-only
-- privileges:
--   - any role that can connect (USAGE on schema tviews is granted to PUBLIC)
-- expect:
--   columns: [queue_size, total_refreshes, total_timing_ms, queued_keys, stats]
--   rows: { min: 1, max: 1 }
-- timeout: 10s
-- ---
SELECT (s ->> 'queue_size')::bigint AS queue_size,
       (s ->> 'total_refreshes')::bigint AS total_refreshes,
       (s ->> 'total_timing_ms')::numeric AS total_timing_ms,
       jsonb_array_length(q) AS queued_keys,
       s AS stats
  FROM tviews.pg_tviews_queue_stats() AS s,
       tviews.pg_tviews_debug_queue() AS q;
