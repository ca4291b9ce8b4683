-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: writes
-- privileges: [pg_read_all_stats]
-- ---
-- expect-next-line: missing-where
UPDATE tb_post SET title = upper(title);
