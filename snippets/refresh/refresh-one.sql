-- ---
-- title: Rebuild one TVIEW from its view, then prove it matches
-- description: >-
--   Calls pg_tviews_refresh(entity), which empties tv_<entity> and fills it again from
--   v_<entity> inside the current transaction, then counts the rows that still differ (0
--   expected). The table is locked against reads and writes until the transaction ends, so
--   readers of tv_<entity> wait for the length of the rebuild.
-- safety: writes
-- privileges:
--   - owner of tv_<entity> (pg_tviews_refresh truncates it)
--   - SELECT on v_<entity> and the tables it reads
-- params:
--   entity:
--     kind: literal
--     description: the TVIEW's entity name, without the tv_ prefix (e.g. post for tv_post)
--     value: post
-- expect:
--   columns: [entity, differing_rows_after]
--   rows: { min: 1, max: 1 }
--   output: ['\b0\b']
-- timeout: 5min
-- ---
SELECT tviews.pg_tviews_refresh(:'entity');

SELECT r.entity,
       (xpath('/row/n/text()', query_to_xml(format(
           'SELECT count(*) AS n FROM ((SELECT %1$s FROM %2$I.%3$I EXCEPT ALL SELECT %1$s FROM %4$s)'
           ' UNION ALL (SELECT %1$s FROM %4$s EXCEPT ALL SELECT %1$s FROM %2$I.%3$I)) d',
           (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
              FROM pg_attribute a
             WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped),
           r.schema, r.name, r.view), false, true, '')))[1]::text::bigint AS differing_rows_after
  FROM tviews.registry r
 WHERE r.entity = :'entity';
