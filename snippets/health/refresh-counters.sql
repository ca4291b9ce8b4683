-- ---
-- title: Is pg_tviews refreshing each TVIEW? Its refresh counters (tviews.stats)
-- description: >-
--   One row per TVIEW from tviews.stats, which pg_tviews keeps in shared memory for the whole
--   server: rows its triggers wrote and deleted, rows recomputed from the view or patched in
--   place, full refreshes, time spent refreshing, and since when it counts (the server's
--   start, a pg_tviews_stats_reset, or the TVIEW's re-creation). Writes to a TVIEW's source
--   tables move rows_written; run it twice a few minutes apart during traffic: a TVIEW whose
--   sources were written but whose counters did not move is not being refreshed (disabled
--   or missing triggers). untracked true means the server's table of 4096 TVIEWs is full and
--   this one is not counted. Reads shared memory only: milliseconds.
-- safety: read-only
-- privileges:
--   - any role that can connect (tviews.stats is granted to PUBLIC)
-- expect:
--   columns: [entity, tview, rows_written, rows_deleted, view_recomputes, patch_applied, full_refreshes, refresh_ms, counting_since, untracked]
--   rows: { min: 1 }
-- timeout: 10s
-- ---
SELECT s.entity,
       format('%I.%I', s.schema, s.name) AS tview,
       s.rows_written,
       s.rows_deleted,
       s.view_recomputes,
       s.patch_applied,
       s.full_refreshes,
       round(s.refresh_ms::numeric, 1) AS refresh_ms,
       date_trunc('second', s.stats_reset) AS counting_since,
       s.untracked
  FROM tviews.stats s
 ORDER BY s.entity;
