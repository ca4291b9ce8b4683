import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Ten users were renamed while every pg_tviews trigger on tb_user was off, so tv_user, tv_post
 * (which embeds the author's name) and tv_comment (which embeds the post, author included)
 * drifted. The manual refresh runbook must show the drift, refresh one TVIEW and prove it equal,
 * explain "force" (the plan's force => true does not exist), and its notes must hold:
 * pg_tviews_refresh(post) also rebuilds tv_comment, which reads post, in the same transaction;
 * while it runs, readers of both tables and writes that reach them wait, a new user waits for
 * pg_tviews' own lock on tb_user, writes that reach only tv_user go on, and a refresh rolled back
 * leaves the TVIEWs as they were. pg_tviews counts whole rebuilds in tviews.stats
 * (full_refreshes), not in rows_written or refresh_ms, and records no refresh time.
 */
export default defineScenario({
  title: 'Manual refresh: drifted TVIEWs are rebuilt (with the TVIEWs that read them) and proven equal to their views; the locks are those the runbook describes',
  runbook: '02-refresh-operations/manual-refresh',
  timeout: '2min',
  async run(t) {
    const stats = async () =>
      Object.fromEntries(
        (await t.sql<{ entity: string; full_refreshes: string; rows_written: string; refresh_ms: number }>(
          `SELECT entity, full_refreshes::text, rows_written::text, refresh_ms FROM tviews.stats`,
        )).map((r) => [r.entity, r]),
      );
    const writers = async (table: string) =>
      (await t.sql<{ xmin: string }>(`SELECT DISTINCT xmin::text AS xmin FROM ${table}`)).map((r) => r.xmin);

    const triggers = await t.sql<{ tgname: string }>(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = 'tb_user'::regclass AND NOT tgisinternal AND tgname LIKE 'trg\\_tview\\_%' ORDER BY tgname`,
    );
    assert.deepEqual(
      triggers.map((r) => r.tgname),
      [
        'trg_tview_delta_d_post_on_public_tb_user',
        'trg_tview_delta_i_post_on_public_tb_user',
        'trg_tview_delta_u_post_on_public_tb_user',
        'trg_tview_flush_post_on_public_tb_user',
        'trg_tview_flush_user_on_public_tb_user',
        'trg_tview_row_user_on_public_tb_user',
        'trg_tview_truncate_post_on_public_tb_user',
        'trg_tview_truncate_user_on_public_tb_user',
      ],
      'tv_user and tv_post have triggers on tb_user; tv_comment follows users through tv_post and has none there',
    );
    const [{ posts, comments }] = await t.sql<{ posts: string; comments: string }>(
      `SELECT (SELECT count(*) FROM tb_post WHERE fk_user <= 10)::text AS posts,
              (SELECT count(*) FROM tb_comment c JOIN tb_post p ON p.pk_post = c.fk_post WHERE p.fk_user <= 10)::text AS comments`,
    );
    assert.ok(Number(posts) > 0 && Number(comments) > 0);

    await t.step('inject: rename users 1-10 with every pg_tviews trigger on tb_user disabled', async () => {
      await t.sql(`ALTER TABLE tb_user ${triggers.map((r) => `DISABLE TRIGGER ${r.tgname}`).join(', ')}`);
      await t.sql(`UPDATE tb_user SET name = name || ' (renamed)' WHERE pk_user <= 10`);
      await t.sql(`ALTER TABLE tb_user ${triggers.map((r) => `ENABLE TRIGGER ${r.tgname}`).join(', ')}`);
    });

    await t.step('diagnose: verify-equal shows tv_user, tv_post and tv_comment DIFFERENT, each changed row once on each side', async () => {
      const user = (await t.snippet('refresh/verify-equal', { entity: 'user' })).rows;
      assert.deepEqual(user, [{ entity: 'user', view_rows: '1000', tview_rows: '1000', missing_in_tview: '10', extra_in_tview: '10', status: 'DIFFERENT' }]);
      const [post] = (await t.snippet('refresh/verify-equal', { entity: 'tv_post' })).rows;
      assert.deepEqual([post.entity, post.missing_in_tview, post.extra_in_tview, post.status], ['post', posts, posts, 'DIFFERENT'], 'the table name is accepted too');
      const [comment] = (await t.snippet('refresh/verify-equal', { entity: 'comment' })).rows;
      assert.deepEqual([comment.missing_in_tview, comment.extra_in_tview, comment.status], [comments, comments, 'DIFFERENT']);
      const [none] = (await t.snippet('refresh/verify-equal', { entity: 'posts' })).rows;
      assert.equal(none.status, 'NOT_A_TVIEW');
    });

    await t.step('plan: dependency-order says a refresh of post also rebuilds comment, and one of user rebuilds nothing else', async () => {
      const { rows } = await t.snippet('refresh/dependency-order');
      assert.deepEqual(
        rows.map((r) => [r.level, r.entity, r.depends_on, r.also_rebuilds]),
        [['0', 'post', '', 'comment'], ['0', 'user', '', ''], ['1', 'comment', 'post', '']],
      );
    });

    await t.step('pre-check: no session holds a lock a refresh of tv_user would wait for', async () => {
      const { rows } = await t.snippet('refresh/lock-precheck', { entity: 'user' });
      assert.deepEqual(rows, []);
    });

    await t.step('lock note: a running refresh of post locks tv_post and tv_comment; their readers, writes reaching them and new users wait, the rest goes on', async () => {
      const refresher = await t.session('refresher');
      await refresher.query('BEGIN');
      await refresher.query(`SELECT tviews.pg_tviews_refresh('post')`);

      const { rows: holders } = await t.snippet('refresh/lock-precheck', { entity: 'post' });
      const held = holders.filter((h) => h.pid === String(refresher.pid) && h.granted === 't').map((h) => `${h.locked} ${h.lock_mode}`);
      for (const lock of ['tv_post AccessExclusiveLock', 'tv_comment AccessExclusiveLock']) {
        assert.ok(held.includes(lock), `lock-precheck should list the refresher with ${lock}: ${JSON.stringify(holders)}`);
      }

      const other = await t.session('other');
      await other.query(`SET lock_timeout = '300ms'`);
      await assert.rejects(other.query('SELECT count(*) FROM tv_post'), /lock timeout/, 'a reader of tv_post must wait');
      await assert.rejects(other.query('SELECT count(*) FROM tv_comment'), /lock timeout/, 'tv_comment is rebuilt in the same transaction: its readers wait too');
      await assert.rejects(
        other.query(`UPDATE tb_user SET name = name || ' (again)' WHERE pk_user = (SELECT fk_user FROM tb_post ORDER BY pk_post LIMIT 1)`),
        /lock timeout/,
        'renaming an author reaches tv_post and must wait',
      );
      await assert.rejects(
        other.query(`INSERT INTO tb_user (identifier, name, email) VALUES ('user-new', 'New User', 'user-new@example.test')`),
        (error: Error & { code?: string }) => error.code === '55P03',
        'a new user reaches only tv_user, yet waits: the refresh holds pg_tviews\' share lock on tb_user, which post reads',
      );
      await other.query(`UPDATE tb_user SET email = 'x' || email WHERE pk_user = 500`); // reaches tv_user only: goes on
      const [{ n }] = await other.query<{ n: string }>('SELECT count(*) AS n FROM tv_user');
      assert.equal(n, '1000', 'tv_user is not rebuilt with post: its readers go on');
      const [{ v }] = await other.query<{ v: string }>('SELECT count(*) AS v FROM tviews.public__tv_post');
      assert.equal(v, '2000', 'the backing view stays readable');

      await refresher.query('ROLLBACK');
      for (const entity of ['post', 'comment']) {
        const [row] = (await t.snippet('refresh/verify-equal', { entity })).rows;
        assert.equal(row.status, 'DIFFERENT', `a rolled-back refresh leaves ${entity}'s old rows`);
      }
    });

    await t.step('"force": pg_tviews_refresh takes one argument; the plan\'s force => true is an error', async () => {
      await assert.rejects(
        t.sql(`SELECT tviews.pg_tviews_refresh('user', force => true)`),
        /function tviews\.pg_tviews_refresh\(unknown, force => boolean\) does not exist/,
      );
    });

    await t.step('remedy 1: refresh-one rebuilds tv_user alone; counted as a full refresh, not in rows_written or refresh_ms', async () => {
      await t.sql(`SELECT tviews.pg_tviews_stats_reset()`);
      const { rows } = await t.snippet('refresh/refresh-one', { entity: 'user', lock_timeout: '2s' });
      assert.deepEqual(rows, [{ entity: 'user', differing_rows_after: '0' }]);
      const after = await stats();
      assert.deepEqual([after.user.full_refreshes, after.user.rows_written, after.user.refresh_ms], ['1', '0', 0]);
      assert.deepEqual([after.post.full_refreshes, after.comment.full_refreshes], ['0', '0']);
      const [post] = (await t.snippet('refresh/verify-equal', { entity: 'post' })).rows;
      assert.equal(post.status, 'DIFFERENT', 'post reads tb_user, not tv_user: refreshing user does not rebuild it');
      assert.equal((await writers('tv_user')).length, 1, 'one transaction wrote every row of tv_user');
    });

    await t.step('remedy 2: refresh-one of post rebuilds tv_post and tv_comment in one transaction; both post-checks are 0', async () => {
      const { rows } = await t.snippet('refresh/refresh-one', { entity: 'post', lock_timeout: '2s' });
      assert.deepEqual(rows, [
        { entity: 'post', differing_rows_after: '0' },
        { entity: 'comment', differing_rows_after: '0' },
      ]);
      const [postWriters, commentWriters] = [await writers('tv_post'), await writers('tv_comment')];
      assert.deepEqual(commentWriters, postWriters, 'every row of both tables was written by the same transaction');
      assert.equal(postWriters.length, 1);
      const after = await stats();
      assert.deepEqual([after.post.full_refreshes, after.comment.full_refreshes, after.user.full_refreshes], ['1', '1', '1']);
    });

    await t.step('remedy 3: refresh-all rebuilds every TVIEW in dependency order in one call; every post-check is 0', async () => {
      const result = await t.snippet('refresh/refresh-all');
      assert.match(result.output, /"order": \["post", "user", "comment"\]/);
      assert.match(result.output, /"refreshed_count": 3/);
      assert.deepEqual(result.rows, [
        { entity: 'comment', differing_rows_after: '0' },
        { entity: 'post', differing_rows_after: '0' },
        { entity: 'user', differing_rows_after: '0' },
      ]);
      const after = await stats();
      assert.deepEqual([after.post.full_refreshes, after.comment.full_refreshes, after.user.full_refreshes], ['2', '2', '2'], 'each TVIEW once');
    });

    await t.step('verify: every TVIEW equals its view, the renamed authors included; pg_tviews wrote no audit record', async () => {
      for (const entity of ['user', 'post', 'comment']) {
        const [row] = (await t.snippet('refresh/verify-equal', { entity })).rows;
        assert.equal(row.status, 'EQUAL', entity);
      }
      const [{ n }] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM tv_post WHERE data->'author'->>'name' LIKE '% (renamed)'`);
      assert.equal(n, posts);
      const [{ audit }] = await t.sql<{ audit: string }>(`SELECT current_setting('pg_tviews.audit_enabled') AS audit`);
      assert.equal(audit, 'off');
      const [{ logged }] = await t.sql<{ logged: string }>(`SELECT count(*) AS logged FROM tviews.pg_tview_audit_log`);
      assert.equal(logged, '0', 'with pg_tviews.audit_enabled off (the default) no refresh is recorded');
    });
  },
});
