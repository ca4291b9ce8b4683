-- ---
-- title: Refresh work and time per TVIEW, from tviews.stats
-- description: >-
--   pg_tviews' own counters per TVIEW of this database, readable from any session: rows it
--   recomputed from the backing view, patched in place, skipped because they were already
--   right, wrote and deleted, whole-TVIEW refreshes, and the time spent refreshing, since
--   the time in since (they start over at a server restart, a pg_tviews_stats_reset, or the
--   re-creation of the TVIEW's table).
--   Most expensive first, with each TVIEW's share of all refresh time and its milliseconds
--   per row written. A transaction's work is added when it ends, committed or rolled back:
--   an open transaction's refreshes are not counted yet, a rolled-back one's are. untracked
--   true means the cluster's table of 4096 TVIEWs was full and this TVIEW is not counted.
-- safety: read-only
-- privileges:
--   - any role that can connect (tviews.stats is granted to PUBLIC)
-- expect:
--   columns: [entity, tview, refresh_ms, share_pct, rows_written, rows_deleted, ms_per_row, view_recomputes, patch_applied, noop_skipped, full_refreshes, since, untracked]
--   rows: { min: 1 }
-- timeout: 10s
-- ---
SELECT s.entity,
       format('%I.%I', s.schema, s.name) AS tview,
       round(s.refresh_ms::numeric, 1) AS refresh_ms,
       round((100.0 * s.refresh_ms / nullif(sum(s.refresh_ms) OVER (), 0))::numeric, 1) AS share_pct,
       s.rows_written,
       s.rows_deleted,
       round((s.refresh_ms / nullif(s.rows_written + s.rows_deleted, 0))::numeric, 3) AS ms_per_row,
       s.view_recomputes,
       s.patch_applied,
       s.noop_skipped,
       s.full_refreshes,
       date_trunc('second', s.stats_reset) AS since,
       s.untracked
  FROM tviews.stats s
 ORDER BY s.refresh_ms DESC, s.entity;
