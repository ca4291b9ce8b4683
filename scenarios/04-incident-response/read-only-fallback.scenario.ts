import assert from 'node:assert/strict';
import { defineScenario, type Session } from '../../src/verify/scenario.ts';
import { differingRows } from './helpers.ts';

/**
 * The read-only fallback and the way back. After incident/read-only-on, new sessions refuse
 * writes and refreshes (25006) while reads and pg_tviews' health check go on; a session
 * connected before the switch keeps writing (and maintaining TVIEWs) until
 * incident/end-sessions-before ends it. While read-only, no TVIEW changes. After
 * incident/read-only-off, which works from a session that started read-only, new sessions
 * write again and TVIEWs follow, but a session connected during the fallback still refuses
 * writes until it is ended. Nothing needs refreshing afterwards.
 */
interface PgError {
  code?: string;
  message: string;
}

const readOnly = (error: PgError) => {
  assert.equal(error.code, '25006');
  assert.match(error.message, /cannot execute (UPDATE|INSERT|TRUNCATE TABLE) in a read-only transaction/);
  return true;
};

const snapshot = async (s: Session) => {
  const [row] = await s.query<{ digest: string }>(
    `SELECT md5(string_agg(x, '|' ORDER BY x)) AS digest
       FROM (SELECT 'u' || pk_user || data::text AS x FROM tv_user
             UNION ALL SELECT 'p' || pk_post || data::text FROM tv_post
             UNION ALL SELECT 'c' || pk_comment || data::text FROM tv_comment) s`,
  );
  return row.digest;
};

export default defineScenario({
  title: 'Read-only fallback: writes refused, TVIEWs unchanged, sessions from before ended, and back',
  runbook: '04-incident-response/emergency-procedures',
  timeout: '2min',
  async run(t) {
    const early = await t.session('connected-before-the-switch');
    let switchedAt = '';

    await t.step('switch on: new sessions are read-only, sessions connected before are counted', async () => {
      const { rows } = await t.snippet('incident/read-only-on');
      assert.equal(rows[0].read_only_for_new_sessions, 't');
      assert.ok(Number(rows[0].sessions_connected_before) >= 2, `main and early sessions: ${rows[0].sessions_connected_before}`);
      switchedAt = rows[0].switched_at!;
      const again = await t.snippet('incident/read-only-on');
      assert.match(again.output, /already read-only for new sessions: nothing changed/);
    });

    await t.step('a new session refuses writes and refreshes (25006), reads TVIEWs and runs the health check', async () => {
      const fresh = await t.session('connected-after-the-switch');
      await assert.rejects(fresh.query(`UPDATE tb_post SET title = 'refused' WHERE pk_post = 1`), readOnly);
      await assert.rejects(fresh.query(`INSERT INTO tb_comment (fk_post, fk_user, body) VALUES (1, 1, 'refused')`), readOnly);
      const counted = async () => (await fresh.query<{ n: string }>(`SELECT full_refreshes::text AS n FROM tviews.stats WHERE entity = 'post'`))[0].n;
      const refreshesBefore = Number(await counted());
      await assert.rejects(fresh.query(`SELECT tviews.pg_tviews_refresh('post')`), readOnly);
      assert.equal(Number(await counted()), refreshesBefore + 1, 'tviews.stats counts the refused refresh of post as a full refresh');
      const [{ n }] = await fresh.query<{ n: number }>(`SELECT count(*)::int AS n FROM tv_post`);
      assert.equal(n, 2000);
      const health = await fresh.query<{ component: string; status: string }>(`SELECT component, status FROM tviews.pg_tviews_health_check()`);
      assert.equal(health.find((h) => h.component === 'triggers')?.status, 'OK');
      await fresh.end();
    });

    await t.step('the session connected before still writes, and pg_tviews still maintains its writes', async () => {
      await early.query(`UPDATE tb_post SET title = 'written by an old session' WHERE pk_post = 2`);
      const [{ title }] = await early.query<{ title: string }>(`SELECT data->>'title' AS title FROM tv_post WHERE pk_post = 2`);
      assert.equal(title, 'written by an old session');
    });

    let watcher: Session;
    let fullRefreshes = '';
    await t.step('end the sessions connected before the switch: the old writer is gone, and nothing changes any more', async () => {
      const { rows } = await t.snippet('incident/end-sessions-before', { connected_before: switchedAt });
      assert.ok(rows.length >= 2 && rows.every((r) => r.terminated === 't'), JSON.stringify(rows));
      assert.ok(rows.some((r) => Number(r.pid) === early.pid), 'the early session was ended');
      await assert.rejects(early.query('SELECT 1'));
      watcher = await t.session('read-only-watcher');
      const before = await snapshot(watcher);
      await assert.rejects(watcher.query(`UPDATE tb_user SET name = 'refused' WHERE pk_user = 1`), readOnly);
      await assert.rejects(watcher.query(`DELETE FROM tb_comment WHERE pk_comment = 1`), (error: PgError) => error.code === '25006');
      assert.equal(await snapshot(watcher), before, 'no TVIEW changed while read-only');
      // The refused pg_tviews_refresh above is counted too: tviews.stats counts rolled-back work.
      [{ full: fullRefreshes }] = await watcher.query<{ full: string }>(`SELECT sum(full_refreshes)::text AS full FROM tviews.stats`);
    });

    await t.step('switch off from a session that started read-only; a session connected during the fallback still refuses writes', async () => {
      const { rows } = await t.snippet('incident/read-only-off');
      assert.equal(rows[0].read_only_for_new_sessions, 'f');
      await assert.rejects(watcher.query(`UPDATE tb_user SET name = 'still refused' WHERE pk_user = 1`), readOnly);
      const again = await t.snippet('incident/read-only-off');
      assert.match(again.output, /was not read-only for new sessions: nothing changed/);
      const ended = await t.snippet('incident/end-sessions-before', { connected_before: rows[0].switched_at! });
      // (a psql session of the snippets above may still be exiting and be ended too: harmless)
      assert.ok(ended.rows.some((r) => Number(r.pid) === watcher.pid), 'the session connected during the fallback is ended');
    });

    await t.step('back to normal: a new session writes, TVIEWs follow, every TVIEW equals its view without a refresh', async () => {
      const app = await t.session('after-the-fallback');
      await app.query(`UPDATE tb_user SET name = 'Writable again' WHERE pk_user = 3`);
      const [{ name }] = await app.query<{ name: string }>(`SELECT min(data->'author'->>'name') AS name FROM tv_post WHERE fk_user = 3`);
      assert.equal(name, 'Writable again');
      assert.deepEqual(await differingRows(t, (text, values) => app.query(text, values)), { comment: 0, post: 0, user: 0 });
      const [{ full }] = await app.query<{ full: string }>(`SELECT sum(full_refreshes)::text AS full FROM tviews.stats`);
      assert.equal(full, fullRefreshes, 'no refresh was run, none was needed');
    });
  },
});
