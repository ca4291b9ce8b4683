-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- ---
-- expect-next-line: parameter-declaration
SELECT * FROM tviews.pg_tviews_show_cascade_path(:'entity');
