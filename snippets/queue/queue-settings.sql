-- ---
-- title: Queue limits, publishing and suspension, as this session sees them
-- description: >-
--   The settings that bound pg_tviews' in-memory refresh queue and decide whether a write or
--   a PREPARE TRANSACTION is refused, with their value here, their default, whether the role
--   running this may change them, and what they mean. pg_tviews.max_queue_size (default
--   1000000) caps the refresh keys one statement queues: a statement above it fails with
--   54000 "refresh queue backpressure" and is rolled back. Since 0.1.0-beta.28 it and
--   max_refresh_rows are a superuser's settings: an application role cannot raise them
--   unless a superuser grants it SET on them. The suspension rows describe the transaction
--   running this snippet only: run it in the session concerned.
-- safety: read-only
-- privileges:
--   - any role that can connect (pg_settings and has_parameter_privilege are open to all)
-- expect:
--   columns: [setting, value, default_value, you_may_set, meaning]
--   rows: { min: 8 }
--   output: ['max_queue_size', '1000000']
-- timeout: 10s
-- ---
WITH setting(name, meaning, ord) AS (
    VALUES ('pg_tviews.max_queue_size',
            'most refresh keys one statement may queue; one more fails the statement with 54000 (backpressure). An UPDATE of max_queue_size rows already fails, an INSERT only above it', 1),
           ('pg_tviews.max_refresh_rows',
            'most TVIEW rows one statement''s refresh may write; 0 = no limit; above it the statement fails with 54000 naming the TVIEW', 2),
           ('pg_tviews.max_propagation_depth',
            'cascade rounds (TVIEW feeding TVIEW) before a write is refused with 54001', 3),
           ('pg_tviews.lock_escalation_threshold',
            'value locks a transaction takes on one relation before it locks the whole relation instead', 4),
           ('pg_tviews.publish_changes',
            'off, types or rows: with types or rows, PREPARE TRANSACTION of a transaction that changed TVIEW rows fails with 25000', 5),
           ('max_prepared_transactions',
            '0 means two-phase commit is off and no prepared transaction can exist', 6)
),
row AS (
    SELECT s.ord,
           s.name AS setting,
           p.setting AS value,
           p.boot_val AS default_value,
           CASE WHEN p.context = 'user' THEN 'yes (any role)'
                WHEN p.context = 'superuser' AND has_parameter_privilege(s.name, 'SET') THEN 'yes'
                WHEN p.context = 'superuser' THEN 'no: a superuser must, or GRANT SET ON PARAMETER ' || s.name || ' TO your role'
                ELSE 'no: ' || p.context || ' setting (postgresql.conf, then reload or restart)'
           END AS you_may_set,
           s.meaning
      FROM setting s
      JOIN pg_settings p ON p.name = s.name
    UNION ALL
    SELECT 7, 'suspended (this transaction)', tviews.pg_tviews_is_suspended()::text, 'false', NULL,
           'true: pg_tviews_suspend_triggers() was called in this transaction; the TVIEWs it wrote meanwhile are rebuilt at resume or COMMIT'
    UNION ALL
    SELECT 8, 'suspended entities (this transaction)', coalesce(array_to_string(tviews.pg_tviews_suspended_entities(), ', '), ''), '', NULL,
           'TVIEWs written while suspended, waiting for that rebuild'
)
SELECT setting, value, default_value, you_may_set, meaning
  FROM row
 ORDER BY ord;
