-- ---
-- title: Corpus snippet
-- description: Part of the lint corpus of good and broken snippets.
-- safety: read-only
-- privileges: [pg_read_all_stats]
-- ---
-- A placeholder view of 0.1.0-beta.20 that 0.1.0-beta.34 no longer has.
-- expect-next-line: api-relation
SELECT * FROM tviews.pg_tviews_queue_realtime;
