import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { driftCount, failure, one, targetIds, withSessions } from './helpers.ts';

/**
 * Pins of docs/pg_tviews-facts.md about full refreshes (pg_tviews_refresh, _refresh_all,
 * _rebuild_all), the locks they take, what tviews.stats counts, and suspension. Each test
 * runs on every target.
 */

/** The relation-level lock modes a session holds on the given relations. */
async function heldModes(observer: pg.Client, pid: number, relations: string[]): Promise<Record<string, string[]>> {
  const { rows } = await observer.query(
    `SELECT relation::regclass::text AS rel, array_agg(mode ORDER BY mode) AS modes FROM pg_locks
     WHERE pid = $1 AND locktype = 'relation' AND granted AND relation = ANY($2::regclass[]) GROUP BY 1 ORDER BY 1`,
    [pid, relations],
  );
  return Object.fromEntries(rows.map((r) => [r.rel, r.modes]));
}

const fullRefreshes = async (client: pg.Client): Promise<Record<string, number>> =>
  Object.fromEntries((await client.query(`SELECT entity, full_refreshes::int AS n FROM tviews.stats ORDER BY entity`)).rows.map((r) => [r.entity, r.n]));

describe.each(targetIds())('refresh on %s', (target) => {
  describe('pg_tviews_refresh', () => {
    it('rebuilds the TVIEW and the TVIEWs that read it, holding ACCESS EXCLUSIVE on them until the transaction ends', async () => {
      await withSessions('refresh_lock', target, 2, async (refresher, other) => {
        await other.query(`SELECT tviews.pg_tviews_stats_reset()`);
        const { pid } = await one<{ pid: number }>(refresher, 'SELECT pg_backend_pid() AS pid');
        await refresher.query('BEGIN');
        await refresher.query(`SELECT tviews.pg_tviews_refresh('post')`);
        const held = await heldModes(other, pid, ['tv_user', 'tv_post', 'tv_comment', 'tv_post_pkey', 'idx_tv_comment_fk_post_pk_comment']);
        for (const rel of ['tv_post', 'tv_comment', 'tv_post_pkey', 'idx_tv_comment_fk_post_pk_comment']) expect(held[rel], rel).toContain('AccessExclusiveLock');
        expect(held.tv_user).toBeUndefined();

        await other.query(`SET lock_timeout = '300ms'`);
        expect((await failure(other.query(`SELECT count(*) FROM tv_post`))).code).toBe('55P03');
        expect((await failure(other.query(`SELECT count(*) FROM tv_comment`))).code).toBe('55P03');
        // The backing view and the other TVIEWs stay readable.
        expect(await one(other, `SELECT (SELECT count(*) FROM tviews.public__tv_post)::int AS view, (SELECT count(*) FROM tv_user)::int AS users`)).toEqual({ view: 2000, users: 1000 });
        await refresher.query('COMMIT');
        // Both rebuilt, the reader first: one full refresh each, none for tv_user.
        expect(await fullRefreshes(other)).toEqual({ comment: 1, post: 1, user: 0 });
      });
    });

    it('refreshing a TVIEW nothing reads rebuilds it alone; writes that reach it wait, the others go on', async () => {
      await withSessions('refresh_writers', target, 2, async (refresher, writer) => {
        await writer.query(`SELECT tviews.pg_tviews_stats_reset()`);
        await refresher.query('BEGIN');
        await refresher.query(`SELECT tviews.pg_tviews_refresh('user')`);
        await writer.query(`SET lock_timeout = '300ms'`);
        // A comment and a post title are not in tv_user: these writes go on.
        await writer.query(`UPDATE tb_comment SET body = body || '.' WHERE pk_comment = 2`);
        await writer.query(`UPDATE tb_post SET title = title || '.' WHERE pk_post = 2`);
        // An email is only in tv_user: the write waits for the refresh.
        expect((await failure(writer.query(`UPDATE tb_user SET email = 'x' || email WHERE pk_user = 3`))).code).toBe('55P03');
        await refresher.query('COMMIT');
        expect(await fullRefreshes(writer)).toEqual({ comment: 0, post: 0, user: 1 });
      });
    });

    it('queues readers that arrive while it waits for its lock behind it', async () => {
      await withSessions('refresh_queue', target, 3, async (reader, refresher, late) => {
        await reader.query('BEGIN');
        await reader.query(`SELECT count(*) FROM tv_user`);
        await refresher.query(`SET lock_timeout = '3s'`);
        const waiting = refresher.query(`SELECT tviews.pg_tviews_refresh('user')`).then(
          () => 'refreshed',
          (e: pg.DatabaseError) => e.code,
        );
        // Wait until the refresh is queued for its lock.
        for (let i = 0; i < 100; i++) {
          const { n } = await one<{ n: number }>(late, `SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'tv_user'::regclass AND NOT granted`);
          if (n > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await late.query(`SET lock_timeout = '300ms'`);
        expect((await failure(late.query(`SELECT count(*) FROM tv_user`))).code).toBe('55P03');
        await reader.query('COMMIT');
        expect(await waiting).toBe('refreshed');
      });
    });

    it('leaves the old rows when it is rolled back, and resets reltuples to -1 until the next ANALYZE', async () => {
      await withSessions('refresh_rollback', target, 1, async (client) => {
        await client.query(`UPDATE tv_user SET data = '{}' WHERE pk_user = 1`);
        expect(await driftCount(client, 'user')).toBe(2);
        await client.query(`ANALYZE tv_user`);
        expect(await one(client, `SELECT reltuples::int AS reltuples FROM pg_class WHERE oid = 'tv_user'::regclass`)).toEqual({ reltuples: 1000 });
        await client.query('BEGIN');
        await client.query(`SELECT tviews.pg_tviews_refresh('user')`);
        expect(await driftCount(client, 'user')).toBe(0);
        expect(await one(client, `SELECT reltuples::int AS reltuples, relpages FROM pg_class WHERE oid = 'tv_user'::regclass`)).toEqual({ reltuples: -1, relpages: 0 });
        await client.query('ROLLBACK');
        expect(await driftCount(client, 'user')).toBe(2);
        // tviews.stats counts the rolled-back rebuild too.
        expect((await fullRefreshes(client)).user).toBe(1);
      });
    });

    it('waits for a prepared transaction that wrote the TVIEW: its TRUNCATE needs the lock held until COMMIT/ROLLBACK PREPARED', async () => {
      await withSessions('refresh_prepared', target, 1, async (client) => {
        const gid = `pgtv_refresh_${process.pid}_${target}`;
        try {
          await client.query('BEGIN');
          await client.query(`UPDATE tb_user SET name = 'Prepared' WHERE pk_user = 7`);
          await client.query(`PREPARE TRANSACTION '${gid}'`);
          await client.query(`SET lock_timeout = '300ms'`);
          // Readers are not blocked by the prepared row changes...
          expect(await one(client, `SELECT count(*)::int AS n FROM tv_user`)).toEqual({ n: 1000 });
          // ...but a refresh is.
          expect((await failure(client.query(`SELECT tviews.pg_tviews_refresh('user')`))).code).toBe('55P03');
          await client.query(`ROLLBACK PREPARED '${gid}'`);
          await client.query(`SELECT tviews.pg_tviews_refresh('user')`);
        } finally {
          await client.query(`ROLLBACK PREPARED '${gid}'`).catch(() => undefined);
        }
      });
    });
  });

  describe('pg_tviews_refresh_all and pg_tviews_rebuild_all', () => {
    it('refresh_all rebuilds every TVIEW once, dependencies first, and reports order, duration and count', async () => {
      await withSessions('refresh_all', target, 1, async (client) => {
        await client.query(`SELECT tviews.pg_tviews_stats_reset()`);
        const { r } = await one<{ r: { order: string[]; duration_ms: number; refreshed_count: number } }>(client, `SELECT tviews.pg_tviews_refresh_all() AS r`);
        expect(Object.keys(r).sort()).toEqual(['duration_ms', 'order', 'refreshed_count']);
        expect([...r.order].sort()).toEqual(['comment', 'post', 'user']);
        expect(r.order.indexOf('post')).toBeLessThan(r.order.indexOf('comment'));
        expect(r.refreshed_count).toBe(3);
        expect(typeof r.duration_ms).toBe('number');
        expect(await fullRefreshes(client)).toEqual({ comment: 1, post: 1, user: 1 });
      });
    });

    it('refresh_all runs in one transaction: one failing TVIEW undoes the rebuilds before it', async () => {
      await withSessions('refresh_all_fail', target, 1, async (client) => {
        await client.query(`UPDATE tv_user SET data = '{}' WHERE pk_user = 1`);
        await client.query(`ALTER TABLE tv_comment ADD CONSTRAINT not_nine CHECK (pk_comment <> 9) NOT VALID`);
        expect((await failure(client.query(`SELECT tviews.pg_tviews_refresh_all()`))).code).toBe('23514');
        expect(await driftCount(client, 'user')).toBe(2);
      });
    });

    it('rebuild_all refills only empty UNLOGGED TVIEWs by default; with only_empty => false it rebuilds every one, reporting rows_inserted', async () => {
      await withSessions('rebuild_all', target, 1, async (client) => {
        expect((await client.query(`SELECT * FROM tviews.pg_tviews_rebuild_all()`)).rows).toEqual([]);
        expect((await client.query(`SELECT * FROM tviews.pg_tviews_rebuild_all(only_empty => true)`)).rows).toEqual([]);
        const { rows } = await client.query(`SELECT entity, rows_inserted::int AS rows_inserted FROM tviews.pg_tviews_rebuild_all(only_empty => false) ORDER BY entity`);
        expect(rows).toEqual([
          { entity: 'comment', rows_inserted: 5000 },
          { entity: 'post', rows_inserted: 2000 },
          { entity: 'user', rows_inserted: 1000 },
        ]);
      });
    });

    it('show_cascade_path lists the TVIEWs that read a TVIEW, with depth; SRFs are planned at 1,000 rows a call', async () => {
      await withSessions('cascade_path', target, 1, async (client) => {
        expect((await client.query(`SELECT depth, entity, depends_on FROM tviews.pg_tviews_show_cascade_path('post') ORDER BY depth`)).rows).toEqual([
          { depth: 0, entity: 'post', depends_on: 'post' },
          { depth: 1, entity: 'comment', depends_on: 'post' },
        ]);
        expect((await client.query(`SELECT depth, entity, depends_on FROM tviews.pg_tviews_show_cascade_path('user')`)).rows).toEqual([{ depth: 0, entity: 'user', depends_on: 'user' }]);
        const { rows } = await client.query(`SELECT DISTINCT prorows::int AS prorows FROM pg_proc WHERE pronamespace = 'tviews'::regnamespace AND proretset`);
        expect(rows).toEqual([{ prorows: 1000 }]);
        const { rows: [{ 'QUERY PLAN': plan }] } = await client.query(`EXPLAIN (FORMAT JSON) SELECT * FROM tviews.pg_tviews_show_cascade_path('post')`);
        expect(plan[0].Plan['Plan Rows']).toBe(1000);
      });
    });
  });

  describe('propagation indexes', () => {
    it('reports a missing (fk_<x>, pk_<entity>) index in pg_tviews_profile and ensure_propagation_indexes(dry_run), and creates it without dry_run', async () => {
      await withSessions('propagation_index', target, 1, async (client) => {
        const { fields } = await client.query(`SELECT * FROM tviews.pg_tviews_profile('comment')`);
        expect(fields.map((f) => f.name)).toEqual([
          'entity', 'schema', 'name', 'persistence', 'replica_readable', 'rows_estimate', 'heap_bytes', 'index_bytes', 'toast_bytes',
          'avg_row_width', 'data_avg_width', 'fillfactor', 'n_tup_upd', 'n_tup_hot_upd', 'hot_ratio', 'n_dead_tup', 'last_vacuum',
          'last_autovacuum', 'all_visible_fraction', 'unused_indexes', 'missing_propagation_indexes', 'fanout', 'warnings',
        ]);
        expect(await one(client, `SELECT missing_propagation_indexes FROM tviews.pg_tviews_profile('comment')`)).toEqual({ missing_propagation_indexes: [] });
        await client.query(`DROP INDEX idx_tv_comment_fk_post_pk_comment`);
        expect(await one(client, `SELECT missing_propagation_indexes FROM tviews.pg_tviews_profile('comment')`)).toEqual({ missing_propagation_indexes: ['fk_post'] });
        const ddl = `CREATE INDEX IF NOT EXISTS "idx_tv_comment_fk_post_pk_comment" ON "public"."tv_comment" ("fk_post", "pk_comment")`;
        expect((await client.query(`SELECT * FROM tviews.pg_tviews_ensure_propagation_indexes('comment', dry_run => true) AS ddl`)).rows).toEqual([{ ddl }]);
        expect(await one(client, `SELECT to_regclass('idx_tv_comment_fk_post_pk_comment') AS idx`)).toEqual({ idx: null });
        expect((await client.query(`SELECT * FROM tviews.pg_tviews_ensure_propagation_indexes('comment') AS ddl`)).rows).toEqual([{ ddl }]);
        expect(await one(client, `SELECT 'idx_tv_comment_fk_post_pk_comment'::regclass = ANY (managed_indexes) AS managed FROM tviews.registry WHERE entity = 'comment'`)).toEqual({ managed: true });
      });
    });

    it('runs its trigger statements nested, visible in pg_stat_statements with toplevel false', async () => {
      await withSessions('pss', target, 1, async (client) => {
        await client.query(`SELECT pg_stat_statements_reset()`);
        await client.query(`UPDATE tb_post SET title = title || '!' WHERE pk_post = 3`);
        const { rows } = await client.query(`SELECT toplevel, regexp_replace(query, '\\s+', ' ', 'g') AS query FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`);
        const nested = rows.filter((r) => !r.toplevel).map((r) => r.query as string);
        expect(nested.some((q) => q.startsWith(`SELECT "fk_post"::pg_catalog.int8 AS child_key, "pk_comment"::pg_catalog.int8 AS parent_key FROM public.tv_comment WHERE "fk_post" = $1`))).toBe(true);
        expect(nested.some((q) => /^WITH src AS \(SELECT .* FROM tviews\.public__tv_post WHERE "pk_post" = \$1::pg_catalog\.int8\), written AS \(INSERT INTO public\.tv_post /.test(q))).toBe(true);
        expect(nested.some((q) => /^WITH src AS \(SELECT .* FROM tviews\.public__tv_comment WHERE "pk_comment" = ANY\(\$1::pg_catalog\.int8\[\]\)\), written AS \(INSERT INTO public\.tv_comment /.test(q))).toBe(true);
        // The emptiness checks a write makes of the TVIEWs it reaches (an empty one is refilled).
        expect(nested).toContain('SELECT pg_catalog.pg_relation_size($1) = $2');
        expect(nested).toContain('SELECT pg_catalog.count(*) = $1 FROM (SELECT $2 FROM public.tv_post t ORDER BY t."pk_post" LIMIT $3) first');
      });
    });
  });

  describe('tviews.stats', () => {
    it('counts per TVIEW what row refreshes wrote and cost; a full refresh counts in full_refreshes only', async () => {
      await withSessions('stats', target, 2, async (writer, observer) => {
        const { rows: columns } = await observer.query(`SELECT attname FROM pg_attribute WHERE attrelid = 'tviews.stats'::regclass AND attnum > 0 ORDER BY attnum`);
        expect(columns.map((r) => r.attname)).toEqual([
          'schema', 'name', 'entity', 'view_recomputes', 'noop_skipped', 'patch_captured', 'patch_applied', 'patch_fallbacks',
          'propagation_pruned', 'rows_written', 'rows_deleted', 'full_refreshes', 'refresh_ms', 'stats_reset', 'untracked',
        ]);
        await observer.query(`SELECT tviews.pg_tviews_stats_reset()`);
        const { pk, posts, comments } = await one<{ pk: number; posts: number; comments: number }>(
          observer,
          `SELECT u.pk_user AS pk, (SELECT count(*) FROM tb_post p WHERE p.fk_user = u.pk_user)::int AS posts,
                  (SELECT count(*) FROM tb_comment c JOIN tb_post p ON p.pk_post = c.fk_post WHERE p.fk_user = u.pk_user)::int AS comments
           FROM tb_user u WHERE pk_user = 7`,
        );
        await writer.query('BEGIN');
        await writer.query(`UPDATE tb_user SET name = name || ' (renamed)' WHERE pk_user = $1`, [pk]);
        const counted = `SELECT entity, view_recomputes::int AS recomputes, rows_written::int AS written, full_refreshes::int AS full, refresh_ms > 0 AS timed FROM tviews.stats ORDER BY entity`;
        // Merged when the transaction ends: another session sees nothing yet.
        expect((await observer.query(counted)).rows.every((r) => r.written === 0)).toBe(true);
        await writer.query('COMMIT');
        expect((await observer.query(counted)).rows).toEqual([
          { entity: 'comment', recomputes: comments, written: comments, full: 0, timed: comments > 0 },
          { entity: 'post', recomputes: posts, written: posts, full: 0, timed: posts > 0 },
          { entity: 'user', recomputes: 1, written: 1, full: 0, timed: true },
        ]);
        const { ms } = await one<{ ms: number }>(observer, `SELECT refresh_ms AS ms FROM tviews.stats WHERE entity = 'user'`);
        await writer.query(`SELECT tviews.pg_tviews_refresh('user')`);
        expect(await one(observer, `SELECT rows_written::int AS written, full_refreshes::int AS full, refresh_ms AS ms FROM tviews.stats WHERE entity = 'user'`)).toEqual({ written: 1, full: 1, ms });
        // A reset of one TVIEW starts its counters and its stats_reset over.
        const before = await one<{ at: Date }>(observer, `SELECT stats_reset AS at FROM tviews.stats WHERE entity = 'user'`);
        await observer.query(`SELECT tviews.pg_tviews_stats_reset('user')`);
        const after = await one<{ written: number; full: number; at: Date }>(observer, `SELECT rows_written::int AS written, full_refreshes::int AS full, stats_reset AS at FROM tviews.stats WHERE entity = 'user'`);
        expect({ written: after.written, full: after.full }).toEqual({ written: 0, full: 0 });
        expect(after.at.getTime()).toBeGreaterThan(before.at.getTime());
        expect(await one(observer, `SELECT rows_written::int AS written FROM tviews.stats WHERE entity = 'post'`)).toEqual({ written: posts });
        // Without an argument, the database's TVIEWs all start over.
        await observer.query(`SELECT tviews.pg_tviews_stats_reset()`);
        expect(await one(observer, `SELECT sum(rows_written + view_recomputes + full_refreshes)::int AS n, sum(refresh_ms) AS ms FROM tviews.stats`)).toEqual({ n: 0, ms: 0 });
      });
    });
  });

  describe('the audit log', () => {
    it('stays empty by default; with pg_tviews.audit_enabled it records creations, drops and write statements\' refreshes, not pg_tviews_refresh', async () => {
      await withSessions('audit', target, 1, async (client) => {
        await client.query(`SELECT tviews.pg_tviews_refresh('post')`);
        await client.query(`CREATE TABLE tv_quiet AS SELECT pk_user AS pk_quiet, id, '{}'::jsonb AS data FROM tb_user`);
        expect(await one(client, `SELECT count(*)::int AS n FROM tviews.pg_tview_audit_log`)).toEqual({ n: 0 });
        await client.query(`SET pg_tviews.audit_enabled = on`);
        await client.query(`SELECT tviews.pg_tviews_refresh('post')`);
        await client.query(`SELECT tviews.pg_tviews_refresh_all()`);
        await client.query(`CREATE TABLE tv_loud AS SELECT pk_user AS pk_loud, id, '{}'::jsonb AS data FROM tb_user`);
        await client.query(`SELECT tviews.pg_tviews_drop('loud')`);
        await client.query(`UPDATE tb_user SET name = 'Audited' WHERE pk_user = 3`);
        await client.query('BEGIN');
        await client.query(`UPDATE tb_user SET name = 'Rolled back' WHERE pk_user = 4`);
        await client.query('ROLLBACK');
        const { rows } = await client.query(`SELECT operation, entity FROM tviews.pg_tview_audit_log ORDER BY log_id`);
        expect(rows.slice(0, 2)).toEqual([
          { operation: 'CREATE', entity: 'loud' },
          { operation: 'DROP', entity: 'loud' },
        ]);
        // The committed write: one REFRESH row per TVIEW it reached; the rolled-back one left none.
        expect(rows.slice(2).map((r) => r.operation)).toEqual(rows.slice(2).map(() => 'REFRESH'));
        expect(rows.slice(2).map((r) => r.entity).sort()).toEqual(['comment', 'post', 'user']);
      });
    });
  });

  describe('suspension', () => {
    it('suspends refreshes for the transaction; an explicit COMMIT rebuilds what was touched and what reads it', async () => {
      await withSessions('suspend_commit', target, 1, async (client) => {
        await client.query(`SELECT tviews.pg_tviews_stats_reset()`);
        await client.query('BEGIN');
        await client.query(`SELECT tviews.pg_tviews_suspend_triggers()`);
        expect(await one(client, `SELECT tviews.pg_tviews_is_suspended() AS s`)).toEqual({ s: true });
        await client.query(`UPDATE tb_user SET name = 'Suspended' WHERE pk_user = 9`);
        expect(await one(client, `SELECT tviews.pg_tviews_suspended_entities() AS e, (tviews.pg_tviews_queue_stats()->>'queue_size')::int AS queued`)).toEqual({ e: ['post', 'user'], queued: 0 });
        expect(await one(client, `SELECT count(*)::int AS n FROM tv_user WHERE data->>'name' = 'Suspended'`)).toEqual({ n: 0 });
        await client.query('COMMIT');
        expect(await one(client, `SELECT tviews.pg_tviews_is_suspended() AS s`)).toEqual({ s: false });
        for (const entity of ['user', 'post', 'comment']) expect(await driftCount(client, entity)).toBe(0);
        expect(await fullRefreshes(client)).toEqual({ comment: 1, post: 1, user: 1 });
        expect(await one(client, `SELECT sum(rows_written)::int AS written, sum(refresh_ms) AS ms FROM tviews.stats`)).toEqual({ written: 0, ms: 0 });
      });
    });

    it('pg_tviews_resume_triggers() catches up at once; refresh_all is refused while suspended, refresh(tview) is not', async () => {
      await withSessions('suspend_resume', target, 1, async (client) => {
        await client.query('BEGIN');
        await client.query(`SELECT tviews.pg_tviews_suspend_triggers()`);
        await client.query(`UPDATE tb_post SET title = 'Suspended title' WHERE pk_post = 4`);
        await client.query('SAVEPOINT s');
        expect(await failure(client.query(`SELECT tviews.pg_tviews_refresh_all()`))).toMatchObject({ code: '55000', message: 'Cannot refresh: triggers are suspended' });
        await client.query('ROLLBACK TO SAVEPOINT s');
        await client.query(`SELECT tviews.pg_tviews_refresh('user')`);
        await client.query(`SELECT tviews.pg_tviews_resume_triggers()`);
        expect(await one(client, `SELECT data->>'title' AS title FROM tv_post WHERE pk_post = 4`)).toEqual({ title: 'Suspended title' });
        await client.query('COMMIT');
        for (const entity of ['user', 'post', 'comment']) expect(await driftCount(client, entity)).toBe(0);
      });
    });

    it('ends with the statement in autocommit; an implicit commit while suspended leaves the TVIEWs stale behind a WARNING', async () => {
      await withSessions('suspend_implicit', target, 1, async (client) => {
        const warnings: string[] = [];
        client.on('notice', (n) => n.severity === 'WARNING' && warnings.push(n.message ?? ''));
        await client.query(`SELECT tviews.pg_tviews_suspend_triggers()`);
        expect(await one(client, `SELECT tviews.pg_tviews_is_suspended() AS s`)).toEqual({ s: false });
        // Suspend and write in one implicit transaction: a DO block, or two statements in one query string.
        await client.query(`DO $$ BEGIN PERFORM tviews.pg_tviews_suspend_triggers(); UPDATE tb_user SET name = 'Stale A' WHERE pk_user = 10; END $$`);
        await client.query(`SELECT tviews.pg_tviews_suspend_triggers(); UPDATE tb_user SET name = 'Stale B' WHERE pk_user = 11`);
        expect(warnings).toEqual([
          'pg_tviews: transaction committed with refresh suspended; TVIEWs ["post", "user"] are stale until pg_tviews_refresh() is run for each',
          'pg_tviews: transaction committed with refresh suspended; TVIEWs ["post", "user"] are stale until pg_tviews_refresh() is run for each',
        ]);
        expect(await one(client, `SELECT count(*)::int AS n FROM tv_user WHERE data->>'name' IN ('Stale A', 'Stale B')`)).toEqual({ n: 0 });
        expect(await driftCount(client, 'user')).toBe(4);
        await client.query(`SELECT tviews.pg_tviews_refresh('user')`);
        await client.query(`SELECT tviews.pg_tviews_refresh('post')`);
        for (const entity of ['user', 'post', 'comment']) expect(await driftCount(client, entity)).toBe(0);
      });
    });

    it('PREPARE TRANSACTION catches up too: the prepared transaction then holds the rebuilt TVIEWs ACCESS EXCLUSIVE', async () => {
      await withSessions('suspend_prepare', target, 1, async (client) => {
        const gid = `pgtv_suspend_${process.pid}_${target}`;
        try {
          await client.query('BEGIN');
          await client.query(`SELECT tviews.pg_tviews_suspend_triggers()`);
          await client.query(`UPDATE tb_user SET name = 'Suspended Prepared' WHERE pk_user = 12`);
          await client.query(`PREPARE TRANSACTION '${gid}'`);
          await client.query(`SET lock_timeout = '300ms'`);
          expect((await failure(client.query(`SELECT count(*) FROM tv_post`))).code).toBe('55P03');
          expect((await failure(client.query(`SELECT count(*) FROM tv_user`))).code).toBe('55P03');
          await client.query(`COMMIT PREPARED '${gid}'`);
          expect(await one(client, `SELECT count(*)::int AS n FROM tv_user WHERE data->>'name' = 'Suspended Prepared'`)).toEqual({ n: 1 });
          for (const entity of ['user', 'post', 'comment']) expect(await driftCount(client, entity)).toBe(0);
        } finally {
          await client.query(`ROLLBACK PREPARED '${gid}'`).catch(() => undefined);
        }
      });
    });
  });
});
