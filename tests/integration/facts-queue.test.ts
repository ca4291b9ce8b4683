import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { driftCount, failure, one, targetIds, withSessions } from './helpers.ts';

/**
 * Pins of docs/pg_tviews-facts.md about the refresh queue (per statement, in the writing
 * backend), its backpressure, the commit that fails with work still queued, which trigger
 * does what when one is disabled, session_replication_role, and the locks a writer and a
 * prepared transaction hold. Each test runs on every target.
 */

const queued = async (client: pg.Client): Promise<number> => (await one<{ n: number }>(client, `SELECT (tviews.pg_tviews_queue_stats()->>'queue_size')::int AS n`)).n;

/** Rows of tv_<entity> whose `path` text equals `value`. */
const rowsWith = async (client: pg.Client, table: string, path: string, value: string): Promise<number> =>
  (await one<{ n: number }>(client, `SELECT count(*)::int AS n FROM ${table} WHERE data #>> $1::text[] = $2`, [path.split('.'), value])).n;

describe.each(targetIds())('the refresh queue on %s', (target) => {
  describe('per statement, inside the writing transaction', () => {
    it('applies the queue at the end of each statement: the rows are written, visible to the writer only, locked RowExclusive', async () => {
      await withSessions('per_statement', target, 2, async (writer, other) => {
        const { pid } = await one<{ pid: number }>(writer, 'SELECT pg_backend_pid() AS pid');
        await writer.query('BEGIN');
        await writer.query(`UPDATE tb_user SET name = 'Between Statements' WHERE pk_user = 7`);
        expect(await queued(writer)).toBe(0);
        const stats = await one<{ s: Record<string, number> }>(writer, `SELECT tviews.pg_tviews_queue_stats() AS s`);
        expect(stats.s.flushes).toBeGreaterThan(0);
        expect(stats.s.total_refreshes).toBeGreaterThan(0);
        expect(await rowsWith(writer, 'tv_post', 'author.name', 'Between Statements')).toBeGreaterThan(0);
        expect(await rowsWith(other, 'tv_post', 'author.name', 'Between Statements')).toBe(0);
        // What another session can see of it: the writer's locks, never a queue.
        const { rows } = await other.query(
          `SELECT relation::regclass::text AS rel FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND mode = 'RowExclusiveLock' AND relation = ANY('{tv_user,tv_post,tv_comment}'::regclass[]) ORDER BY 1`,
          [pid],
        );
        expect(rows.map((r) => r.rel)).toEqual(['tv_comment', 'tv_post', 'tv_user']);
        expect(await one(other, `SELECT (tviews.pg_tviews_queue_stats()->>'total_refreshes')::int AS n, tviews.pg_tviews_debug_queue() AS q`)).toEqual({ n: 0, q: [] });
        await writer.query('COMMIT');
        // The counters describe the current transaction and start again at 0.
        expect(await one(writer, `SELECT (tviews.pg_tviews_queue_stats()->>'total_refreshes')::int AS n, (tviews.pg_tviews_queue_stats()->>'flushes')::int AS f`)).toEqual({ n: 0, f: 0 });
      });
    });
  });

  describe('backpressure', () => {
    it('defaults max_queue_size to 1,000,000, a superuser setting; a statement that queues more fails with 54000 and is rolled back', async () => {
      await withSessions('backpressure', target, 1, async (client) => {
        expect(await one(client, `SELECT current_setting('pg_tviews.max_queue_size') AS v, (SELECT context FROM pg_settings WHERE name = 'pg_tviews.max_queue_size') AS context`)).toEqual({ v: '1000000', context: 'superuser' });
        await client.query('BEGIN');
        await client.query(`SET LOCAL pg_tviews.max_queue_size = 10`);
        await client.query('SAVEPOINT s');
        const full = await failure(client.query(`UPDATE tb_post SET title = title || '!' WHERE pk_post <= 20`));
        expect(full).toEqual({ code: '54000', message: 'refresh queue backpressure: queue size (10) would exceed max_queue_size (10)', hint: 'Raise pg_tviews.max_queue_size, or write in smaller transactions.' });
        await client.query('ROLLBACK TO SAVEPOINT s');
        expect(await one(client, `SELECT count(*)::int AS n FROM tb_post WHERE title LIKE '%!'`)).toEqual({ n: 0 });
        // The limit is checked before each key is queued, repeats included: an UPDATE of
        // max_queue_size rows already fails, an INSERT only above it.
        const insert = (n: number) => client.query(`INSERT INTO tb_post (identifier, fk_user, title, body) SELECT 'bp-${n}-' || g, 1, 't', 'b' FROM generate_series(1, ${n}) g`);
        const update = (n: number) => client.query(`UPDATE tb_post SET title = title || '?' WHERE pk_post <= ${n}`);
        for (const [label, write, passes] of [['insert 10', () => insert(10), true], ['insert 11', () => insert(11), false], ['update 9', () => update(9), true], ['update 10', () => update(10), false]] as const) {
          await client.query('SAVEPOINT limit_probe');
          const outcome = await write().then(() => 'passed', (e: pg.DatabaseError) => e.code);
          expect(outcome, label).toBe(passes ? 'passed' : '54000');
          await client.query('ROLLBACK TO SAVEPOINT limit_probe');
        }
        // The count starts again with each statement: the same change in smaller statements passes.
        await client.query(`UPDATE tb_post SET title = title || '!' WHERE pk_post BETWEEN 1 AND 9`);
        await client.query(`UPDATE tb_post SET title = title || '!' WHERE pk_post BETWEEN 10 AND 18`);
        await client.query('COMMIT');
        expect(await rowsWith(client, 'tv_post', 'title', 'Notes on incident 18!')).toBe(1);
        expect(await one(client, `SELECT count(*)::int AS n FROM tv_post WHERE data->>'title' LIKE '%!'`)).toEqual({ n: 18 });
        for (const entity of ['post', 'comment']) expect(await driftCount(client, entity)).toBe(0);
      });
    });
  });

  describe('a commit with refresh work still queued', () => {
    it('fails with 55000 in autocommit when the table\'s flush trigger is disabled, rolling the write back', async () => {
      await withSessions('unflushed', target, 1, async (client) => {
        await client.query(`ALTER TABLE tb_post DISABLE TRIGGER trg_tview_flush_post_on_public_tb_post`);
        const refused = await failure(client.query(`UPDATE tb_post SET title = 'Never flushed' WHERE pk_post = 30`));
        expect(refused.code).toBe('55000');
        expect(refused.message).toBe(`pg_tviews: cannot commit with 1 queued refreshes for {"post"}: they were never applied (missing flush trigger?)`);
        expect(await one(client, `SELECT count(*)::int AS n FROM tb_post WHERE title = 'Never flushed'`)).toEqual({ n: 0 });
      });
    });

    it('is flushed by an explicit COMMIT: until then the TVIEW lags inside the transaction', async () => {
      await withSessions('unflushed_explicit', target, 1, async (client) => {
        await client.query(`ALTER TABLE tb_post DISABLE TRIGGER trg_tview_flush_post_on_public_tb_post`);
        await client.query('BEGIN');
        await client.query(`UPDATE tb_post SET title = 'Flushed at commit' WHERE pk_post = 31`);
        expect(await queued(client)).toBe(1);
        expect(await rowsWith(client, 'tv_post', 'title', 'Flushed at commit')).toBe(0);
        await client.query('COMMIT');
        expect(await rowsWith(client, 'tv_post', 'title', 'Flushed at commit')).toBe(1);
        expect(await driftCount(client, 'post')).toBe(0);
      });
    });
  });

  describe('disabled triggers', () => {
    it('a TVIEW\'s row or delta trigger decides whether it follows a table: disabling one silently stops that TVIEW only', async () => {
      await withSessions('disable_row', target, 1, async (client) => {
        await client.query(`ALTER TABLE tb_user DISABLE TRIGGER trg_tview_row_user_on_public_tb_user`);
        await client.query(`UPDATE tb_user SET name = 'No Row Trigger' WHERE pk_user = 14`);
        expect(await rowsWith(client, 'tv_user', 'name', 'No Row Trigger')).toBe(0);
        expect(await rowsWith(client, 'tv_post', 'author.name', 'No Row Trigger')).toBe((await one<{ n: number }>(client, `SELECT count(*)::int AS n FROM tb_post WHERE fk_user = 14`)).n);
        await client.query(`ALTER TABLE tb_user ENABLE TRIGGER trg_tview_row_user_on_public_tb_user`);
        await client.query(`ALTER TABLE tb_user DISABLE TRIGGER trg_tview_delta_u_post_on_public_tb_user`);
        await client.query(`UPDATE tb_user SET name = 'No Delta Trigger' WHERE pk_user = 17`);
        expect(await rowsWith(client, 'tv_user', 'name', 'No Delta Trigger')).toBe(1);
        expect(await rowsWith(client, 'tv_post', 'author.name', 'No Delta Trigger')).toBe(0);
        expect(await driftCount(client, 'user')).toBe(2);
      });
    });

    it('flush triggers stand in for each other: with one of a table\'s flush triggers enabled, every TVIEW is refreshed', async () => {
      await withSessions('disable_flush', target, 1, async (client) => {
        for (const flush of ['trg_tview_flush_user_on_public_tb_user', 'trg_tview_flush_post_on_public_tb_user']) {
          await client.query(`ALTER TABLE tb_user DISABLE TRIGGER ${flush}`);
          await client.query(`UPDATE tb_user SET name = $1 WHERE pk_user = 15`, [`Flushed without ${flush}`]);
          await client.query(`ALTER TABLE tb_user ENABLE TRIGGER ${flush}`);
          for (const entity of ['user', 'post', 'comment']) expect(await driftCount(client, entity), flush).toBe(0);
        }
      });
    });

    it('the health check reports a disabled trigger, and one switched to ENABLE REPLICA, as an ERROR', async () => {
      await withSessions('disable_health', target, 1, async (client) => {
        await client.query(`ALTER TABLE tb_user DISABLE TRIGGER trg_tview_row_user_on_public_tb_user`);
        expect(await one(client, `SELECT status, message FROM tviews.pg_tviews_health_check() WHERE component = 'triggers'`)).toEqual({
          status: 'ERROR',
          message: '1 disabled trigger (ALTER TABLE … ENABLE TRIGGER): trg_tview_row_user_on_public_tb_user on public.tb_user',
        });
        await client.query(`ALTER TABLE tb_user ENABLE REPLICA TRIGGER trg_tview_row_user_on_public_tb_user`);
        const replica = await one<{ status: string; message: string }>(client, `SELECT status, message FROM tviews.pg_tviews_health_check() WHERE component = 'triggers'`);
        expect(replica.status).toBe('ERROR');
        expect(replica.message).toMatch(/^1 disabled trigger \(ALTER TABLE … ENABLE TRIGGER\): trg_tview_row_user_on_public_tb_user on public\.tb_user \(ENABLE REPLICA: fires only when\s+session_replication_role is replica\)$/);
        await client.query(`ALTER TABLE tb_user ENABLE TRIGGER trg_tview_row_user_on_public_tb_user`);
        expect(await one(client, `SELECT status FROM tviews.pg_tviews_health_check() WHERE component = 'triggers'`)).toEqual({ status: 'OK' });
      });
    });

    it('session_replication_role = replica skips every TVIEW silently, and the health check sees nothing wrong', async () => {
      await withSessions('replica_role', target, 1, async (client) => {
        const notices: string[] = [];
        client.on('notice', (n) => notices.push(n.message ?? ''));
        await client.query(`SET session_replication_role = replica`);
        await client.query(`UPDATE tb_user SET name = 'Replica Write' WHERE pk_user = 13`);
        await client.query(`RESET session_replication_role`);
        expect(await rowsWith(client, 'tv_user', 'name', 'Replica Write')).toBe(0);
        expect(await rowsWith(client, 'tv_post', 'author.name', 'Replica Write')).toBe(0);
        expect(await driftCount(client, 'user')).toBe(2);
        expect(notices).toEqual([]);
        const { rows } = await client.query(`SELECT component FROM tviews.pg_tviews_health_check() WHERE status <> 'OK'`);
        expect(rows.map((r) => r.component)).toEqual(['jsonb_delta']);
      });
    });
  });

  describe('locks of writers and prepared transactions', () => {
    it('a prepared transaction\'s locks have pid NULL and the virtualtransaction of its transactionid lock, and include pg_tviews\' advisory locks', async () => {
      await withSessions('prepared_locks', target, 1, async (client) => {
        const gid = `pgtv_locks_${process.pid}_${target}`;
        try {
          await client.query('BEGIN');
          await client.query(`UPDATE tb_user SET name = 'Prepared Locks' WHERE pk_user = 7`);
          await client.query(`PREPARE TRANSACTION '${gid}'`);
          const row = await one<{ vxids: string[]; rel_modes: string[]; subids: number[]; pids: number }>(
            client,
            `WITH x AS (SELECT transaction FROM pg_prepared_xacts WHERE gid = $1),
                  t AS (SELECT l.virtualtransaction FROM pg_locks l, x WHERE l.locktype = 'transactionid' AND l.transactionid = x.transaction)
             SELECT array_agg(DISTINCT l.virtualtransaction) AS vxids,
                    array_agg(DISTINCT l.mode) FILTER (WHERE l.locktype = 'relation' AND l.relation = 'tv_post'::regclass) AS rel_modes,
                    array_agg(DISTINCT l.objsubid::int ORDER BY l.objsubid::int) FILTER (WHERE l.locktype = 'advisory') AS subids,
                    count(*) FILTER (WHERE l.pid IS NOT NULL)::int AS pids
             FROM pg_locks l JOIN t ON t.virtualtransaction = l.virtualtransaction`,
            [gid],
          );
          expect(row.vxids).toHaveLength(1);
          expect(row.pids).toBe(0);
          expect(row.rel_modes).toContain('RowExclusiveLock');
          // Value (21622) and relation (21623) locks of pg_tviews' concurrency control.
          expect(row.subids).toEqual([21622, 21623]);
        } finally {
          await client.query(`ROLLBACK PREPARED '${gid}'`).catch(() => undefined);
        }
      });
    });
  });
});
