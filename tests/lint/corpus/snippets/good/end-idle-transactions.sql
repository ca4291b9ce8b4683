-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: destructive
-- privileges: [pg_read_all_stats]
-- changes: Changes state on purpose for the corpus.
-- undo: Nothing to undo, the corpus is never run.
-- ---
SELECT pid, pg_terminate_backend(pid) AS terminated
FROM pg_stat_activity
WHERE state = 'idle in transaction'
  AND state_change < now() - interval '10 minutes'
  AND pid <> pg_backend_pid()
  AND backend_type = 'client backend';
