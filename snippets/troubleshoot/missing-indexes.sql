-- ---
-- title: Columns that TVIEW maintenance looks up without an index
-- description: >-
--   Two kinds of unindexed columns make pg_tviews slow. (1) The lookup columns of a tv_ table
--   (fk_<x>, and every reference column tviews.registry.references lists): when a row it
--   embeds changes, pg_tviews finds the TVIEW rows to recompute with "WHERE fk_<x> = …";
--   without an index leading with that column every such write reads the whole TVIEW.
--   pg_tviews creates these indexes with each TVIEW (idx_tv_<entity>_fk_<x>_pk_<entity>); one
--   dropped since is listed, with pg_tviews' own statement for it, built CONCURRENTLY.
--   (2) Foreign keys of the tables the TVIEWs read: a view that looks children up by their
--   foreign key, and every DELETE or key change on the parent table, reads the child table in
--   full without one. Each row gives the statement that adds the index without blocking writes.
-- safety: read-only
-- privileges:
--   - USAGE on schema tviews (granted to PUBLIC by pg_tviews); the catalogs are readable by all
-- expect:
--   columns: [kind, table_name, columns, used_by, create_statement]
--   rows: { min: 0 }
-- timeout: 10s
-- ---
-- (1) Lookup columns of TVIEW tables (the reference columns pg_tviews lists, and any other
-- integer fk_ column) with no index leading with them.
SELECT 'tview propagation lookup' AS kind,
       format('%I.%I', r.schema, r.name) AS table_name,
       a.attname::text AS columns,
       'tv_' || r.entity || ' rows looked up by ' || a.attname
           || coalesce(' when a ' || (r.references -> a.attname::text ->> 'entity') || ' changes', '') AS used_by,
       -- pg_tviews' own name and form: an index built by this statement is pg_tviews' index
       format('CREATE INDEX CONCURRENTLY IF NOT EXISTS %I ON %I.%I (%I, %I);',
              left('idx_' || r.name || '_' || a.attname || '_' || r.identity[1], 63),
              r.schema, r.name, a.attname, r.identity[1]) AS create_statement
  FROM tviews.registry r
  JOIN pg_class c ON c.oid = CASE WHEN r.schema IS NOT NULL THEN to_regclass(format('%I.%I', r.schema, r.name)) END
  JOIN pg_attribute a
    ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   AND (r.references ? a.attname
        OR (left(a.attname, 3) = 'fk_' AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)))
 WHERE NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indkey[0] = a.attnum)
UNION ALL
-- (2) Foreign keys of the tables TVIEWs read, with no index whose leading columns are the key's.
SELECT 'foreign key on a source table',
       fk.conrelid::regclass::text,
       (SELECT string_agg(quote_ident(k.attname), ', ' ORDER BY u.ord)
          FROM unnest(fk.conkey) WITH ORDINALITY AS u(attnum, ord)
          JOIN pg_attribute k ON k.attrelid = fk.conrelid AND k.attnum = u.attnum),
       'constraint ' || fk.conname || '; read by ' || string_agg(DISTINCT 'tv_' || r.entity, ', '),
       format('CREATE INDEX CONCURRENTLY ON %s (%s);', fk.conrelid::regclass,
              (SELECT string_agg(quote_ident(k.attname), ', ' ORDER BY u.ord)
                 FROM unnest(fk.conkey) WITH ORDINALITY AS u(attnum, ord)
                 JOIN pg_attribute k ON k.attrelid = fk.conrelid AND k.attnum = u.attnum))
  FROM tviews.registry r
 CROSS JOIN LATERAL unnest(r.base_tables) AS source(relid)
  JOIN pg_constraint fk ON fk.contype = 'f' AND fk.conrelid = source.relid
 WHERE NOT EXISTS (
           SELECT 1
             FROM pg_index i
            -- the index's first columns, as many as the key has, are exactly the key's columns
            WHERE i.indrelid = fk.conrelid
              AND (string_to_array(i.indkey::text, ' ')::int2[])[1 : cardinality(fk.conkey)] @> fk.conkey
              AND (string_to_array(i.indkey::text, ' ')::int2[])[1 : cardinality(fk.conkey)] <@ fk.conkey)
 GROUP BY fk.oid, fk.conrelid, fk.conname, fk.conkey
 ORDER BY 1 DESC, 2, 3;
