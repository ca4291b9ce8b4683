-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- ---
-- expect-next-line: api-relation
SELECT entity FROM pg_tviews_metadata;
