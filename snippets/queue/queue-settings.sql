-- ---
-- title: Queue limits and suspension, as this session sees them
-- description: >-
--   The settings that bound pg_tviews' in-memory queue and whether refreshes are suspended.
--   max_queue_size caps the TVIEW rows one statement may queue (default 10000): a statement
--   that changes more source rows fails with "refresh queue backpressure" and is rolled
--   back. It is a user-level setting, so one session can raise it (SET LOCAL inside the
--   transaction). The two suspension rows show whether this session skips TVIEW refreshes:
--   SET pg_tviews.suspend_triggers lasts for the session, pg_tviews_suspend_triggers() for
--   the transaction. Both are invisible to other sessions. Run it in the session concerned.
-- safety: read-only
-- privileges:
--   - any role that can connect
-- expect:
--   columns: [setting, value, meaning]
--   rows: { min: 6 }
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
SELECT 'pg_tviews.suspend_triggers (this session)', current_setting('pg_tviews.suspend_triggers'),
       'on: this session''s writes skip the TVIEWs until SET pg_tviews.suspend_triggers = off'
UNION ALL
SELECT 'suspended (this transaction)', tviews.pg_tviews_is_suspended()::text,
       'true: pg_tviews_suspend_triggers() was called in this transaction; it ends with it'
UNION ALL
SELECT 'suspended entities (this session)', coalesce(array_to_string(tviews.pg_tviews_suspended_entities(), ', '), ''),
       'TVIEWs whose refreshes this session has suspended'
UNION ALL
SELECT 'max_prepared_transactions', current_setting('max_prepared_transactions'),
       '0 means two-phase commit is off and no prepared transaction can exist';
