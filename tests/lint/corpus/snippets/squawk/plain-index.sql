-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: writes
-- privileges: [pg_read_all_stats]
-- ---
-- expect-next-line: squawk/require-concurrent-index-creation
CREATE INDEX tb_post_fk_user_idx ON tb_post (fk_user);
