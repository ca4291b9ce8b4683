-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- ---
\echo 'pg_tviews health'
SELECT status, component, message, severity
FROM tviews.pg_tviews_health_check()
ORDER BY severity DESC, component;
