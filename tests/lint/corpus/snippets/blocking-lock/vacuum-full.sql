-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: writes
-- privileges: [owner of the table]
-- ---
SET lock_timeout = '5s';
-- A lock_timeout, but the header does not tell the reader that tv_post is locked meanwhile.
-- expect-next-line: blocking-lock
VACUUM FULL tv_post;
