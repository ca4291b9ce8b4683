-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: destructive
-- privileges: [pg_read_all_stats]
-- changes: Changes state on purpose for the corpus.
-- undo: Nothing to undo, the corpus is never run.
-- ---
-- expect-next-line: missing-where
DELETE FROM tb_comment;
