import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DatabaseServer } from '../../src/db/server.ts';
import { connect, driftCount, targetIds } from './helpers.ts';

/**
 * pg_tviews 0.1.0-beta.20 crashed the backend (signal 11) when a TVIEW creation failed inside
 * a transaction, was rolled back to a savepoint, and the transaction went on with any
 * pg_tviews work; crash recovery then emptied every UNLOGGED TVIEW of the cluster. This pins
 * what the release of each target does instead: the backend survives, the transaction goes
 * on and commits. It also pins what a crash restart does to TVIEWs now (LOGGED ones keep
 * their rows, UNLOGGED ones are refilled by pg_tviews' worker), by crashing a backend on
 * purpose. Both may take a server down, so each target gets a throwaway server of its own,
 * not the one the other integration tests share.
 */

/** Ways a TVIEW creation fails part-way: after its view and table exist, or before. */
const FAILED_CREATES: Record<string, string> = {
  'pg_tviews_create, fill fails': `SELECT tviews.pg_tviews_create('tv_probe', 'SELECT pk_probe, id, jsonb_build_object(''x'', 1 / 0) AS data FROM tb_probe')`,
  'pg_tviews_create_or_replace, fill fails': `SELECT tviews.pg_tviews_create_or_replace('tv_probe', 'SELECT pk_probe, id, jsonb_build_object(''x'', 1 / 0) AS data FROM tb_probe')`,
  'CREATE TABLE tv_ AS, fill fails': `CREATE TABLE tv_probe AS SELECT pk_probe, id, jsonb_build_object('x', 1 / 0) AS data FROM tb_probe`,
  'pg_tviews_create_or_replace, backing view name taken': `SELECT tviews.pg_tviews_create_or_replace('tv_probe', 'SELECT pk_probe, id, jsonb_build_object(''id'', id) AS data FROM tb_probe')`,
};

/** What the transaction does next, with pg_tviews involved. */
const FOLLOW_UPS: Record<string, string> = {
  'a write to a source table': `UPDATE tb_post SET title = title || ' (edited)' WHERE pk_post = 1`,
  'pg_tviews_health_check()': `SELECT * FROM tviews.pg_tviews_health_check()`,
  'pg_tviews_reregister()': `SELECT tviews.pg_tviews_reregister('post')`,
  'pg_tviews_reregister_all()': `SELECT * FROM tviews.pg_tviews_reregister_all()`,
  'creating the TVIEW again': `SELECT tviews.pg_tviews_create('tv_probe', 'SELECT pk_probe, id, jsonb_build_object(''again'', id) AS data FROM tb_probe')`,
};

async function reconnect(url: string): Promise<pg.Client> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connect(url);
    } catch (error) {
      if (attempt >= 150) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe.each(targetIds())('a failed TVIEW creation rolled back to a savepoint, and a crash restart, on %s', (target) => {
  let server: DatabaseServer;
  let url: string;

  beforeAll(async () => {
    server = await DatabaseServer.start({ target, onLog: () => undefined });
    url = server.url(server.info.fixtureDatabase);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('no longer crashes the backend: the transaction goes on with any pg_tviews work and commits', async () => {
    const watcher = await connect(url);
    const client = await connect(url);
    watcher.on('error', () => undefined);
    client.on('error', () => undefined);
    try {
      const { rows: [{ pid }] } = await client.query('SELECT pg_backend_pid() AS pid');
      for (const [failure, create] of Object.entries(FAILED_CREATES)) {
        for (const [followUp, next] of Object.entries(FOLLOW_UPS)) {
          const label = `${failure}, then ${followUp}`;
          await client.query('BEGIN');
          await client.query('CREATE TABLE tb_probe (pk_probe bigint PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid())');
          await client.query('INSERT INTO tb_probe (pk_probe) VALUES (1), (2)');
          if (failure.endsWith('name taken')) await client.query('CREATE TABLE tviews.public__tv_probe (taken int)');
          await client.query('SAVEPOINT before_create');
          await expect(client.query(create), label).rejects.toThrow(failure.endsWith('name taken') ? /tviews\.public__tv_probe, is already taken by another relation/ : /division by zero/);
          await client.query('ROLLBACK TO SAVEPOINT before_create');
          if (followUp === 'creating the TVIEW again' && failure.endsWith('name taken')) await client.query('DROP TABLE tviews.public__tv_probe');
          await client.query(next);
          const { rows: [after] } = await client.query(`SELECT pg_backend_pid() AS pid, (SELECT count(*) FROM tviews.registry WHERE entity = 'probe')::int AS registered`);
          expect(after, label).toEqual({ pid, registered: followUp === 'creating the TVIEW again' ? 1 : 0 });
          if (followUp === 'creating the TVIEW again') {
            // The second definition's columns, not the failed one's (beta.25 inserted the failed definition's).
            const { rows } = await client.query(`SELECT data ? 'again' AS again FROM tv_probe ORDER BY pk_probe`);
            expect(rows, label).toEqual([{ again: true }, { again: true }]);
          }
          await client.query('COMMIT');
          expect((await watcher.query('SELECT 1 AS alive')).rows, label).toEqual([{ alive: 1 }]);
          expect(await driftCount(client, 'post'), label).toBe(0);
          // Put the database back for the next pair.
          if (followUp === 'creating the TVIEW again') await client.query(`SELECT tviews.pg_tviews_drop('probe')`);
          await client.query('DROP TABLE tb_probe');
          await client.query('DROP TABLE IF EXISTS tviews.public__tv_probe');
        }
      }
      const { rows: [left] } = await client.query(`SELECT to_regclass('tv_probe') AS tv, to_regclass('tviews.public__tv_probe') AS view, (SELECT count(*) FROM tviews.pg_tview_meta WHERE entity = 'probe')::int AS meta`);
      expect(left).toEqual({ tv: null, view: null, meta: 0 });
      const { rows: health } = await client.query(`SELECT component FROM tviews.pg_tviews_health_check() WHERE status <> 'OK'`);
      expect(health.map((r) => r.component)).toEqual(['jsonb_delta']);
    } finally {
      await client.end().catch(() => undefined);
      await watcher.end().catch(() => undefined);
    }
  });

  it('a crash restart keeps the rows of LOGGED TVIEWs and the worker refills the UNLOGGED ones unasked', async () => {
    const setup = await connect(url);
    try {
      // The throwaway cluster runs with synchronous_commit off: a crash would lose this commit.
      await setup.query('SET synchronous_commit = on');
      await setup.query(`CREATE UNLOGGED TABLE tv_badge AS SELECT u.pk_user AS pk_badge, u.id, jsonb_build_object('name', u.name) AS data FROM tb_user u`);
      const { rows: [before] } = await setup.query(`SELECT (SELECT count(*) FROM tv_badge)::int AS badge, (SELECT count(*) FROM tv_post)::int AS post`);
      expect(before).toEqual({ badge: 1000, post: 2000 });
      await setup.query(`UPDATE tb_post SET title = title || '.' WHERE pk_post = 2`);
      const { rows: [counted] } = await setup.query(`SELECT rows_written::int AS n FROM tviews.stats WHERE entity = 'post'`);
      expect(counted.n).toBeGreaterThan(0);
    } finally {
      await setup.end();
    }

    // Crash: a backend killed with SIGKILL makes the postmaster end every other backend and recover.
    const victim = await connect(url);
    const bystander = await connect(url);
    victim.on('error', () => undefined);
    bystander.on('error', () => undefined);
    const { rows: [{ pid }] } = await victim.query('SELECT pg_backend_pid() AS pid');
    process.kill(pid, 'SIGKILL');
    await expect(bystander.query('SELECT pg_sleep(30)')).rejects.toThrow();
    await victim.end().catch(() => undefined);
    await bystander.end().catch(() => undefined);

    const after = await reconnect(url);
    try {
      const { rows: [logged] } = await after.query(`SELECT (SELECT count(*) FROM tv_post)::int AS post, (SELECT count(*) FROM tv_comment)::int AS comment`);
      expect(logged).toEqual({ post: 2000, comment: 5000 });
      // Nobody writes or calls anything: pg_tviews' rebuild worker refills the reset UNLOGGED TVIEW.
      let badge = -1;
      for (let attempt = 0; attempt < 150 && badge !== 1000; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
        badge = (await after.query(`SELECT count(*)::int AS n FROM tv_badge`)).rows[0].n;
      }
      expect(badge).toBe(1000);
      // The restart started tviews.stats over; the refill is the one full refresh since.
      const { rows: stats } = await after.query(`SELECT entity, full_refreshes::int AS full_refreshes, rows_written::int AS rows_written FROM tviews.stats ORDER BY entity`);
      expect(stats).toEqual([
        { entity: 'badge', full_refreshes: 1, rows_written: 0 },
        { entity: 'comment', full_refreshes: 0, rows_written: 0 },
        { entity: 'post', full_refreshes: 0, rows_written: 0 },
        { entity: 'user', full_refreshes: 0, rows_written: 0 },
      ]);
      const { rows: status } = await after.query(`SELECT entity, persistence, is_empty, needs_rebuild FROM tviews.pg_tviews_replication_status() WHERE entity = 'badge'`);
      expect(status).toEqual([{ entity: 'badge', persistence: 'unlogged', is_empty: false, needs_rebuild: false }]);
      const { rows: rebuilt } = await after.query(`SELECT * FROM tviews.pg_tviews_rebuild_all(only_empty => true)`);
      expect(rebuilt).toEqual([]);
      for (const entity of ['user', 'post', 'comment', 'badge']) expect(await driftCount(after, entity)).toBe(0);
    } finally {
      await after.end();
    }
  });
});
