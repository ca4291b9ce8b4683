-- ---
-- title: How each TVIEW stores its documents (compression, TOAST, sizes)
-- description: >-
--   One row per TVIEW about its data column: how PostgreSQL stores it (STORAGE MAIN and lz4
--   compression are pg_tviews' default since 0.1.0-beta.28: a document stays in the table,
--   compressed once its row passes toast_tuple_target, and goes out of line to the TOAST
--   table only when it still does not fit in a page), the table's and its TOAST table's size,
--   rows per page, and from a sample of the table's pages the average and largest document as
--   stored, the average as text, and the share stored compressed. Documents stored out of
--   line are rewritten whole, in the TOAST table too, by every refresh of their row. Reads
--   sample_pct percent of each table's pages.
-- safety: read-only
-- privileges:
--   - SELECT on the tv_ tables (their owner, or pg_read_all_data)
-- params:
--   sample_pct:
--     kind: literal
--     description: percent of each table's pages to read for the document sizes (1 is plenty for millions of rows; 100 reads all)
--     value: "10"
-- expect:
--   columns: [tview, storage, compression, toast_tuple_target, rows_per_page, table_size, toast_size, toast_pct, sampled_rows, avg_stored_bytes, avg_text_bytes, max_stored_bytes, compressed_pct, note]
--   rows: { min: 1 }
-- timeout: 10min
-- ---
WITH tview AS (
    SELECT r.name, to_regclass(format('%I.%I', r.schema, r.name)) AS relid
      FROM tviews.registry r
     WHERE r.schema IS NOT NULL
),
described AS (
    SELECT t.name, t.relid, c.relpages, c.reltuples, c.reltoastrelid,
           CASE a.attstorage WHEN 'm' THEN 'main' WHEN 'x' THEN 'extended' WHEN 'e' THEN 'external' WHEN 'p' THEN 'plain' END AS storage,
           CASE a.attcompression WHEN 'l' THEN 'lz4' WHEN 'p' THEN 'pglz'
                ELSE current_setting('default_toast_compression') || ' (server default)' END AS compression,
           coalesce((SELECT split_part(o, '=', 2) FROM unnest(c.reloptions) o WHERE o LIKE 'toast_tuple_target=%'), '2032 (default)') AS toast_tuple_target
      FROM tview t
      JOIN pg_class c ON c.oid = t.relid
      JOIN pg_attribute a ON a.attrelid = t.relid AND a.attname = 'data' AND NOT a.attisdropped
),
sampled AS (
    -- query_to_xml runs the sampling query built for each TVIEW; it only reads.
    SELECT d.name, x.doc
      FROM described d
     CROSS JOIN LATERAL (SELECT query_to_xml(format(
               'SELECT count(*) AS n, round(avg(pg_column_size(data))) AS stored, max(pg_column_size(data)) AS largest,'
               ' round(avg(octet_length(data::text))) AS text, count(*) FILTER (WHERE pg_column_compression(data) IS NOT NULL) AS compressed'
               ' FROM %s TABLESAMPLE SYSTEM (%s)', d.relid, (:'sample_pct')::numeric), false, true, '') AS doc) x
),
figures AS (
    SELECT s.name,
           (xpath('/row/n/text()', s.doc))[1]::text::bigint AS n,
           (xpath('/row/stored/text()', s.doc))[1]::text::bigint AS stored,
           (xpath('/row/largest/text()', s.doc))[1]::text::bigint AS largest,
           (xpath('/row/text/text()', s.doc))[1]::text::bigint AS text,
           (xpath('/row/compressed/text()', s.doc))[1]::text::bigint AS compressed
      FROM sampled s
)
SELECT d.relid::text AS tview,
       d.storage,
       d.compression,
       d.toast_tuple_target,
       round((d.reltuples / nullif(d.relpages, 0))::numeric, 1) AS rows_per_page,
       pg_size_pretty(pg_relation_size(d.relid)) AS table_size,
       pg_size_pretty(CASE WHEN d.reltoastrelid <> 0 THEN pg_total_relation_size(d.reltoastrelid) ELSE 0 END) AS toast_size,
       round(100.0 * CASE WHEN d.reltoastrelid <> 0 THEN pg_total_relation_size(d.reltoastrelid) ELSE 0 END
             / nullif(pg_total_relation_size(d.relid), 0), 1) AS toast_pct,
       f.n AS sampled_rows,
       f.stored AS avg_stored_bytes,
       f.text AS avg_text_bytes,
       f.largest AS max_stored_bytes,
       round(100.0 * f.compressed / nullif(f.n, 0), 1) AS compressed_pct,
       concat_ws('; ',
           CASE WHEN d.storage <> 'main' THEN 'not pg_tviews'' default (main): created before 0.1.0-beta.28 or with the data_storage option' END,
           CASE WHEN 100.0 * CASE WHEN d.reltoastrelid <> 0 THEN pg_total_relation_size(d.reltoastrelid) ELSE 0 END
                     / nullif(pg_total_relation_size(d.relid), 0) > 30 THEN 'most bytes are out of line: every refresh of a row rewrites its whole document in TOAST' END,
           CASE WHEN f.stored > 2000 THEN 'large documents kept in the table: few rows per page, each refresh writes a wide row' END,
           CASE WHEN f.n = 0 THEN 'nothing sampled: raise sample_pct, or the table is empty' END) AS note
  FROM described d
  JOIN figures f ON f.name = d.name
 ORDER BY pg_total_relation_size(d.relid) DESC;
