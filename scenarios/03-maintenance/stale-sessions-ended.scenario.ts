import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * A client renamed a user and stopped, its transaction open: pg_tviews has already written the
 * rename into tv_user, tv_post and tv_comment inside that transaction, invisible to everyone
 * and locked. Beside it: a reader idle in its transaction, an idle session, a young idle
 * transaction, and a long query. The connection-management runbook must show who holds what,
 * preview exactly what it will end (by state, age and role, never itself or a non-client),
 * end only that, and leave the TVIEWs equal to what was committed.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default defineScenario({
  title: 'Sessions idle in transaction for too long, one holding uncommitted TVIEW writes, are found, previewed and ended by state and age, and nothing else is',
  runbook: '03-maintenance/connection-management',
  timeout: '2min',
  async run(t) {
    const writer = await t.session('writer');
    const reader = await t.session('reader');
    const idle = await t.session('idle');
    const young = await t.session('young');
    const busy = await t.session('busy');
    const [{ before }] = await t.sql<{ before: string }>(`SELECT name AS before FROM tb_user WHERE pk_user = 3`);
    const alive = async (pid: number) => (await t.sql(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [pid])).length === 1;
    const params = { state: 'idle in transaction', older_than: '2 seconds', role: '*' };

    await t.step('inject: a writer and a reader stop inside their transactions; an idle session; 3 s later a young open transaction', async () => {
      await writer.query('BEGIN');
      await writer.query(`UPDATE tb_user SET name = 'Renamed, never committed' WHERE pk_user = 3`);
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM tv_post');
      await idle.query('SELECT 1');
      await sleep(3000);
      await young.query('BEGIN');
      await young.query('SELECT 1');
    });

    await t.step('who is connected: the writer holds tv_comment, tv_post and tv_user changes; the others hold none', async () => {
      const { rows } = await t.snippet('maintenance/sessions');
      const by = (pid: number) => rows.find((r) => r.pid === String(pid))!;
      assert.equal(by(writer.pid).state, 'idle in transaction');
      assert.equal(by(writer.pid).tviews_written, 'tv_comment, tv_post, tv_user');
      assert.equal(by(reader.pid).state, 'idle in transaction');
      assert.equal(by(reader.pid).tviews_written, null);
      assert.equal(by(idle.pid).state, 'idle');
      assert.ok(Number(by(writer.pid).locks) > Number(by(reader.pid).locks));
      const [{ seen }] = await t.sql<{ seen: string }>(`SELECT data->>'name' AS seen FROM tv_user WHERE pk_user = 3`);
      assert.equal(seen, (await t.sql<{ name: string }>(`SELECT data->>'name' AS name FROM tv_user WHERE pk_user = 3`))[0].name);
      assert.notEqual(seen, 'Renamed, never committed', 'nobody else sees the uncommitted rename');
    });

    await t.step('preview: exactly the writer and the reader (idle in transaction over 2 s); a role filter narrows it', async () => {
      const { rows } = await t.snippet('maintenance/stale-sessions', params);
      assert.deepEqual(rows.map((r) => Number(r.pid)).sort(), [writer.pid, reader.pid].sort());
      assert.equal(rows.find((r) => r.pid === String(writer.pid))!.tviews_written, 'tv_comment, tv_post, tv_user');
      assert.deepEqual((await t.snippet('maintenance/stale-sessions', { ...params, role: 'nobody_here' })).rows, []);
    });

    await t.step('end them: only those two; the idle session, the young transaction and this session stay', async () => {
      const { rows } = await t.snippet('maintenance/end-stale-sessions', params);
      assert.deepEqual(rows.map((r) => [Number(r.pid), r.terminated]).sort(), [[writer.pid, 't'], [reader.pid, 't']].sort());
      for (let i = 0; i < 50 && ((await alive(writer.pid)) || (await alive(reader.pid))); i++) await sleep(100);
      assert.equal(await alive(writer.pid), false);
      assert.equal(await alive(reader.pid), false);
      assert.equal(await alive(idle.pid), true);
      assert.equal(await alive(young.pid), true);
      await assert.rejects(writer.query('COMMIT'), 'the writer\'s client finds its connection closed');
    });

    await t.step('a long query is ended the same way (state active), and the session running the snippet never is', async () => {
      const running = busy.query('SELECT pg_sleep(60)').catch((error: Error) => error);
      await sleep(2500);
      const { rows } = await t.snippet('maintenance/end-stale-sessions', { state: 'active', older_than: '2 seconds', role: '*' });
      assert.deepEqual(rows.map((r) => Number(r.pid)), [busy.pid], 'only the long query: not the psql session that ran this');
      assert.match(String(await running), /terminat/);
    });

    await t.step('verify: the rename was rolled back with its TVIEW changes; every TVIEW equals its view', async () => {
      const [{ name, tv }] = await t.sql<{ name: string; tv: string }>(
        `SELECT (SELECT name FROM tb_user WHERE pk_user = 3) AS name, (SELECT data->>'name' FROM tv_user WHERE pk_user = 3) AS tv`,
      );
      assert.deepEqual({ name, tv }, { name: before, tv: before });
      assert.deepEqual((await t.snippet('health/tview-status')).rows.map((r) => r.status), ['OK', 'OK', 'OK']);
      // What is left idle in transaction is the young one, which has aged past 2 s meanwhile.
      assert.deepEqual((await t.snippet('maintenance/stale-sessions', params)).rows.map((r) => Number(r.pid)), [young.pid]);
    });
  },
});
