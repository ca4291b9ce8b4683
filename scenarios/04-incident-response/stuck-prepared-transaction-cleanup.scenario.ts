import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';
import { differingRows, psqlFile } from './helpers.ts';

/**
 * What looks like a stuck refresh queue in pg_tviews is a transaction that wrote and never
 * ended. A client prepared two transactions (a user renamed, a comment added) and died; a
 * writer reaching the renamed user's posts waits behind the first. queue-cleanup.sql lists
 * them as stuck with the TVIEWs they hold, pg_tviews' value locks and the waiting session,
 * rolls back the first (the writer goes on, the rename never shows), says "nothing to do" the
 * second time, commits the other (the comment shows in tv_comment) and refuses an unknown
 * action. Then a transaction prepared after pg_tviews_suspend_triggers() holds ACCESS
 * EXCLUSIVE on the TVIEWs it rebuilt: the script names the TVIEWs whose readers it blocks, and
 * rolling it back lets them read again.
 */
export default defineScenario({
  title: 'queue-cleanup.sql finds stuck prepared transactions holding TVIEW rows and finishes them',
  runbook: '04-incident-response/emergency-procedures',
  timeout: '2min',
  async run(t) {
    const [{ post }] = await t.sql<{ post: number }>(`SELECT min(pk_post)::int AS post FROM tb_post WHERE fk_user = 7`);
    let waiting: Promise<unknown> = Promise.resolve();

    await t.step('inject: two prepared transactions left by a dead client, and a writer waiting behind the first', async () => {
      const client = await t.session('dead-client');
      await client.query('BEGIN');
      await client.query(`UPDATE tb_user SET name = 'Rename never confirmed' WHERE pk_user = 7`);
      await client.query(`PREPARE TRANSACTION 'stuck-rename'`);
      await client.query('BEGIN');
      await client.query(`INSERT INTO tb_comment (fk_post, fk_user, body) VALUES (3, 2, 'comment waiting for its commit')`);
      await client.query(`PREPARE TRANSACTION 'stuck-comment'`);
      await client.end();
      const writer = await t.session('blocked-writer');
      waiting = writer.query(`UPDATE tb_post SET title = 'waited for the rename' WHERE pk_post = $1`, [post]);
      for (let i = 0; i < 50; i++) {
        const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [writer.pid]);
        if (n === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });

    await t.step('report: both listed as stuck, with the TVIEWs they hold, value locks and the waiting session', async () => {
      const { rows, output } = await t.snippet('scripts/queue-cleanup', { action: 'report', min_age: '0 s' });
      const by = Object.fromEntries(rows.map((r) => [r.gid, r]));
      assert.deepEqual(Object.keys(by).sort(), ['stuck-comment', 'stuck-rename']);
      assert.equal(by['stuck-rename'].stuck, 't');
      assert.equal(by['stuck-rename'].tviews_held, 'comment, post, user');
      assert.ok(Number(by['stuck-rename'].value_locks) > 0, 'pg_tviews value locks are held');
      assert.equal(by['stuck-rename'].waiting_sessions, '1');
      assert.equal(by['stuck-comment'].tviews_held, 'comment');
      assert.doesNotMatch(output, /finished with/);
    });

    await t.step('rollback of stuck-rename: the waiting writer goes on, the rename never reaches a TVIEW', async () => {
      const { rows, output } = await t.snippet('scripts/queue-cleanup', { action: 'rollback', gid: 'stuck-rename' });
      assert.match(output, /prepared transaction stuck-rename finished with ROLLBACK PREPARED/);
      assert.deepEqual(rows.map((r) => r.gid), ['stuck-comment']);
      await waiting;
      const [{ title, renamed }] = await t.sql<{ title: string; renamed: number }>(
        `SELECT (SELECT data->>'title' FROM tv_post WHERE pk_post = $1) AS title,
                (SELECT count(*)::int FROM tv_post WHERE data->'author'->>'name' = 'Rename never confirmed') AS renamed`,
        [post],
      );
      assert.equal(title, 'waited for the rename');
      assert.equal(renamed, 0);
    });

    await t.step('idempotent: the same rollback again does nothing; an unknown action is refused (exit 3) and changes nothing', async () => {
      const again = await t.snippet('scripts/queue-cleanup', { action: 'rollback', gid: 'stuck-rename' });
      assert.match(again.output, /nothing to do: no prepared transaction stuck-rename/);
      const wrong = await psqlFile(t, 'scripts/queue-cleanup.sql', { action: 'purge', gid: 'stuck-comment' });
      assert.equal(wrong.code, 3);
      assert.match(wrong.stderr, /action must be report, rollback or commit; nothing was done/);
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_xacts WHERE gid = 'stuck-comment'`);
      assert.equal(n, 1);
    });

    await t.step('commit of stuck-comment: the comment and its TVIEW row appear together', async () => {
      const { rows, output } = await t.snippet('scripts/queue-cleanup', { action: 'commit', gid: 'stuck-comment' });
      assert.match(output, /finished with COMMIT PREPARED/);
      assert.deepEqual(rows, []);
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tv_comment WHERE data->>'body' = 'comment waiting for its commit'`);
      assert.equal(n, 1);
    });

    await t.step('a transaction prepared after pg_tviews_suspend_triggers() blocks readers of the TVIEWs it rebuilt; rolling it back frees them', async () => {
      const client = await t.session('suspended-client');
      await client.query('BEGIN');
      await client.query('SELECT tviews.pg_tviews_suspend_triggers()');
      await client.query(`UPDATE tb_post SET title = 'bulk, suspended' WHERE pk_post <= 5`);
      await client.query(`PREPARE TRANSACTION 'stuck-suspended'`);
      await client.end();
      const { rows } = await t.snippet('scripts/queue-cleanup', { min_age: '0 s' });
      assert.equal(rows[0].gid, 'stuck-suspended');
      assert.equal(rows[0].blocks_readers_of, 'tv_comment, tv_post');
      const reader = await t.session('reader');
      await reader.query(`SET lock_timeout = '1s'`);
      await assert.rejects(reader.query('SELECT count(*) FROM tv_post'), /lock timeout/);
      await t.snippet('scripts/queue-cleanup', { action: 'rollback', gid: 'stuck-suspended' });
      const [{ n }] = await reader.query<{ n: number }>(`SELECT count(*)::int AS n FROM tv_post WHERE data->>'title' = 'bulk, suspended'`);
      assert.equal(n, 0);
    });

    await t.step('verify: nothing prepared is left, every TVIEW equals its view', async () => {
      const { rows } = await t.snippet('scripts/queue-cleanup');
      assert.deepEqual(rows, []);
      assert.deepEqual(await differingRows(t), { comment: 0, post: 0, user: 0 });
    });
  },
});
