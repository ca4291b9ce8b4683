-- ---
-- title: Queue limits and suspension, as this session sees them
-- description: >-
--   The settings that bound pg_tviews' in-memory queue and whether refreshes are suspended.
--   max_queue_size caps the TVIEW rows one statement may queue (default 10000): a statement
--   that changes more source rows fails with "refresh queue backpressure" and is rolled
--   back. It is a user-level setting, so one session can raise it (SET LOCAL inside the
--   transaction). suspended shows whether this session has suspended refreshes
--   (pg_tviews_suspend_triggers or SET pg_tviews.suspend_triggers): suspension is per
--   session and invisible to others.
-- safety: read-only
-- privileges:
--   - any role that can connect
-- expect:
--   columns: [setting, value, meaning]
--   rows: { min: 5 }
--   output: ['max_queue_size']
-- timeout: 10s
-- ---
SELECT 'pg_tviews.max_queue_size' AS setting,
       current_setting('pg_tviews.max_queue_size') AS value,
       'most TVIEW rows one statement may queue; above it the statement fails (backpressure)' AS meaning
UNION ALL
SELECT 'pg_tviews.max_propagation_depth', current_setting('pg_tviews.max_propagation_depth'),
       'cascade rounds before a refresh is aborted'
UNION ALL
SELECT 'suspended (this session)', tviews.pg_tviews_is_suspended()::text,
       'true: this session''s writes do not refresh TVIEWs until pg_tviews_resume_triggers()'
UNION ALL
SELECT 'suspended entities (this session)', coalesce(array_to_string(tviews.pg_tviews_suspended_entities(), ', '), ''),
       'TVIEWs whose refreshes this session has suspended'
UNION ALL
SELECT 'max_prepared_transactions', current_setting('max_prepared_transactions'),
       '0 means two-phase commit is off and no prepared transaction can exist';
