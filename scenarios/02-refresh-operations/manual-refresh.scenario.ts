import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Ten users were renamed while every pg_tviews trigger on tb_user was off, so tv_user, tv_post
 * (which embeds the author's name) and tv_comment (which embeds the post) drifted. The manual
 * refresh runbook must show the drift, refresh one TVIEW and prove it equal, explain "force"
 * (the plan's force => true does not exist), and its lock note must hold: while a refresh of
 * tv_post runs, readers of tv_post and writes that reach tv_post wait, writes that do not
 * reach it go on, and a refresh rolled back leaves the TVIEW as it was.
 */
export default defineScenario({
  title: 'Manual refresh: a drifted TVIEW is rebuilt and proven equal to its view; the lock it takes is the one the runbook describes',
  runbook: '02-refresh-operations/manual-refresh',
  timeout: '2min',
  async run(t) {
    const triggers = await t.sql<{ tgname: string }>(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = 'tb_user'::regclass AND NOT tgisinternal AND tgname LIKE 'trg\\_tview\\_%' ORDER BY tgname`,
    );
    assert.equal(triggers.length, 6, 'user, post and comment each have a row and a flush trigger on tb_user');
    const postsByRenamed = Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM tb_post WHERE fk_user <= 10`))[0].n);
    assert.ok(postsByRenamed > 0);

    await t.step('inject: rename users 1-10 with every pg_tviews trigger on tb_user disabled', async () => {
      await t.sql(`ALTER TABLE tb_user ${triggers.map((r) => `DISABLE TRIGGER ${r.tgname}`).join(', ')}`);
      await t.sql(`UPDATE tb_user SET name = name || ' (renamed)' WHERE pk_user <= 10`);
      await t.sql(`ALTER TABLE tb_user ${triggers.map((r) => `ENABLE TRIGGER ${r.tgname}`).join(', ')}`);
    });

    await t.step('diagnose: verify-equal shows tv_user and tv_post DIFFERENT, each changed row once on each side', async () => {
      const user = (await t.snippet('refresh/verify-equal', { entity: 'user' })).rows;
      assert.deepEqual(user, [{ entity: 'user', view_rows: '1000', tview_rows: '1000', missing_in_tview: '10', extra_in_tview: '10', status: 'DIFFERENT' }]);
      const [post] = (await t.snippet('refresh/verify-equal', { entity: 'post' })).rows;
      assert.equal(post.status, 'DIFFERENT');
      assert.equal(post.missing_in_tview, String(postsByRenamed));
      assert.equal(post.extra_in_tview, String(postsByRenamed));
    });

    await t.step('pre-check: no session holds a lock on tv_user, so a refresh would not wait', async () => {
      const { rows } = await t.snippet('refresh/lock-precheck', { entity: 'user' });
      assert.deepEqual(rows, []);
    });

    await t.step('lock note: a running refresh of tv_post holds ACCESS EXCLUSIVE; readers and writes reaching tv_post wait, others do not', async () => {
      const refresher = await t.session('refresher');
      await refresher.query('BEGIN');
      await refresher.query(`SELECT tviews.pg_tviews_refresh('post')`);

      const { rows: holders } = await t.snippet('refresh/lock-precheck', { entity: 'post' });
      assert.ok(
        holders.some((h) => h.pid === String(refresher.pid) && h.lock_mode === 'AccessExclusiveLock' && h.granted === 't'),
        `lock-precheck should list the refresher with AccessExclusiveLock: ${JSON.stringify(holders)}`,
      );

      const other = await t.session('other');
      await other.query(`SET lock_timeout = '300ms'`);
      await assert.rejects(other.query('SELECT count(*) FROM tv_post'), /lock timeout/, 'a reader of tv_post must wait');
      await assert.rejects(
        other.query(`UPDATE tb_user SET name = name || ' (again)' WHERE pk_user = (SELECT fk_user FROM tb_post ORDER BY pk_post LIMIT 1)`),
        /lock timeout/,
        'renaming an author reaches tv_post and must wait',
      );
      await other.query(`UPDATE tb_user SET email = 'x' || email WHERE pk_user = 500`); // reaches tv_user only
      const [{ n }] = await other.query<{ n: string }>('SELECT count(*) AS n FROM v_post');
      assert.equal(n, '2000', 'the view stays readable');

      await refresher.query('ROLLBACK');
      const [post] = (await t.snippet('refresh/verify-equal', { entity: 'post' })).rows;
      assert.equal(post.status, 'DIFFERENT', 'a rolled-back refresh leaves the old rows');
    });

    await t.step('"force": pg_tviews_refresh takes one argument; the plan\'s force => true is an error', async () => {
      await assert.rejects(
        t.sql(`SELECT tviews.pg_tviews_refresh('user', force => true)`),
        /function tviews\.pg_tviews_refresh\(unknown, force => boolean\) does not exist/,
      );
    });

    await t.step('remedy 1: refresh-one rebuilds tv_user; its post-check finds 0 differing rows', async () => {
      const { rows } = await t.snippet('refresh/refresh-one', { entity: 'user', lock_timeout: '2s' });
      assert.deepEqual(rows, [{ entity: 'user', differing_rows_after: '0' }]);
      const [user] = (await t.snippet('refresh/verify-equal', { entity: 'user' })).rows;
      assert.equal(user.status, 'EQUAL');
      const [post] = (await t.snippet('refresh/verify-equal', { entity: 'post' })).rows;
      assert.equal(post.status, 'DIFFERENT', 'refreshing tv_user does not refresh the TVIEWs that embed users');
    });

    await t.step('remedy 2: refresh-all rebuilds every TVIEW in dependency order in one call; every post-check is 0', async () => {
      const result = await t.snippet('refresh/refresh-all');
      assert.match(result.output, /"order": \["user", "post", "comment"\]/);
      assert.match(result.output, /"refreshed_count": 3/);
      assert.deepEqual(result.rows, [
        { entity: 'comment', differing_rows_after: '0' },
        { entity: 'post', differing_rows_after: '0' },
        { entity: 'user', differing_rows_after: '0' },
      ]);
    });

    await t.step('verify: every TVIEW equals its view, the renamed authors included', async () => {
      for (const entity of ['user', 'post', 'comment']) {
        const [row] = (await t.snippet('refresh/verify-equal', { entity })).rows;
        assert.equal(row.status, 'EQUAL', entity);
      }
      const [{ n }] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM tv_post WHERE data->'author'->>'name' LIKE '% (renamed)'`);
      assert.equal(Number(n), postsByRenamed);
      const [{ logged }] = await t.sql<{ logged: string }>(`SELECT count(*) AS logged FROM tviews.pg_tview_audit_log`);
      assert.equal(logged, '0', 'pg_tviews keeps no record of refreshes: the audit log stays empty');
    });
  },
});
