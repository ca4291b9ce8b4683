-- ---
-- title: pg_tviews' performance, cache and queue views are placeholders
-- description: >-
--   Shows what pg_tviews_performance_summary, pg_tviews_cache_stats and
--   pg_tviews_queue_realtime return in this release, next to what it means. They look like
--   monitoring views but hold constants: avg_refresh_ms is always 0.0 and last_refresh is
--   the current time, the caches always report 0 entries, and the queue view shows only the
--   calling session with queue_size 0. Do not graph or alert on them; measure refresh cost
--   with pg_stat_statements and pg_stat_user_tables instead (the next steps).
-- safety: read-only
-- privileges:
--   - superuser or the extension's owner (these three views are not granted to PUBLIC)
-- expect:
--   columns: [view_name, subject, reported, meaning]
--   rows: { min: 3 }
--   output: ['placeholder']
-- timeout: 10s
-- ---
SELECT 'pg_tviews_performance_summary' AS view_name,
       s.entity AS subject,
       format('total_refreshes=%s avg_refresh_ms=%s last_refresh=%s', s.total_refreshes, s.avg_refresh_ms, s.last_refresh) AS reported,
       CASE WHEN s.avg_refresh_ms = 0 AND s.last_refresh = now()
            THEN 'placeholder: one row per TVIEW, 0.0 ms and the current time, whatever happened'
            ELSE 'real values: this pg_tviews release measures refreshes (re-check this runbook)'
       END AS meaning
  FROM tviews.pg_tviews_performance_summary s
UNION ALL
SELECT 'pg_tviews_cache_stats', c.cache_type,
       format('entries=%s estimated_size=%s', c.entries, c.estimated_size),
       CASE WHEN c.entries = 0 THEN 'placeholder: always 0; the caches live in each backend and are not reported'
            ELSE 'real values' END
  FROM tviews.pg_tviews_cache_stats c
UNION ALL
SELECT 'pg_tviews_queue_realtime', q.session,
       format('backend_pid=%s queue_size=%s', q.backend_pid, q.queue_size),
       CASE WHEN q.backend_pid = pg_backend_pid() AND q.queue_size = 0
            THEN 'placeholder: only the calling session, queue always 0; other sessions'' queues cannot be seen'
            ELSE 'real values' END
  FROM tviews.pg_tviews_queue_realtime q;
