import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Every TVIEW drifted (users renamed while the triggers on tb_user were off). The batch
 * refresh must rebuild them in pg_tviews' dependency order, one pg_tviews_refresh call per
 * transaction, with the pause between calls. pg_tviews_refresh(post) rebuilds tv_comment too,
 * so the batch must not rebuild tv_comment a second time. The proof is in the tables and in
 * pg_tviews' own counters: every row a refresh writes carries its transaction id (xmin), so
 * tv_post and tv_comment must each have been written by one and the same transaction, tv_user
 * by a later one; tviews.stats counts one full refresh per TVIEW. Then a blocked TVIEW: the
 * batch commits what it could, reports the failure, skips what depends on it, and exits with
 * an error; a second run for the rest finishes the job.
 */
export default defineScenario({
  title: 'Batch refresh: TVIEWs refreshed in dependency order, one call per transaction, none twice; a blocked one is reported and its dependents skipped',
  runbook: '02-refresh-operations/batch-refresh',
  timeout: '2min',
  async run(t) {
    const writtenBy = async () => {
      const rows = await t.sql<{ entity: string; transactions: string; xid: string }>(`
        SELECT 'user' AS entity, count(DISTINCT xmin::text)::text AS transactions, max(xmin::text::bigint)::text AS xid FROM tv_user
        UNION ALL
        SELECT 'post', count(DISTINCT xmin::text)::text, max(xmin::text::bigint)::text FROM tv_post
        UNION ALL
        SELECT 'comment', count(DISTINCT xmin::text)::text, max(xmin::text::bigint)::text FROM tv_comment`);
      return Object.fromEntries(rows.map((r) => [r.entity, r]));
    };
    const fullRefreshes = async () =>
      Object.fromEntries(
        (await t.sql<{ entity: string; n: string }>(`SELECT entity, full_refreshes::text AS n FROM tviews.stats`)).map((r) => [r.entity, r.n]),
      );

    await t.step('inject: rename users 1-10 with the pg_tviews triggers on tb_user disabled (all three TVIEWs drift)', async () => {
      await t.sql(`ALTER TABLE tb_user DISABLE TRIGGER USER`);
      await t.sql(`UPDATE tb_user SET name = name || ' (renamed)' WHERE pk_user <= 10`);
      await t.sql(`ALTER TABLE tb_user ENABLE TRIGGER USER`);
      for (const entity of ['user', 'post', 'comment']) {
        const [row] = (await t.snippet('refresh/verify-equal', { entity })).rows;
        assert.equal(row.status, 'DIFFERENT', entity);
      }
    });

    await t.step('plan: dependency-order lists post and user, then comment, the same order pg_tviews_refresh_all uses', async () => {
      const { rows } = await t.snippet('refresh/dependency-order');
      assert.deepEqual(
        rows.map((r) => [r.level, r.entity, r.depends_on, r.also_rebuilds, r.source_tables]),
        [
          ['0', 'post', '', 'comment', 'tb_post, tb_user'],
          ['0', 'user', '', '', 'tb_user'],
          ['1', 'comment', 'post', '', 'tb_comment, tb_post, tb_user'],
        ],
      );
      // pg_tviews' own order, read from refresh_all in a transaction that is rolled back.
      const probe = await t.session('probe');
      await probe.query('BEGIN');
      const [{ order }] = await probe.query<{ order: string[] }>(`SELECT tviews.pg_tviews_refresh_all() -> 'order' AS order`);
      await probe.query('ROLLBACK');
      await probe.end();
      assert.deepEqual(order, rows.map((r) => r.entity));
    });

    await t.step('remedy: refresh-batch refreshes post (with comment) then user, with the pause between the two calls', async () => {
      await t.sql(`SELECT tviews.pg_tviews_stats_reset()`);
      const { rows } = await t.snippet('refresh/refresh-batch', { pause: '0.3' });
      assert.deepEqual(
        rows.map((r) => [r.position, r.entity, r.outcome, r.row_count, r.detail]),
        [
          ['1', 'post', 'refreshed', '2000', null],
          ['2', 'user', 'refreshed', '1000', null],
          ['3', 'comment', 'refreshed', '5000', 'rebuilt with post'],
        ],
      );
      const byEntity = Object.fromEntries(rows.map((r) => [r.entity, r]));
      assert.equal(byEntity.comment.started_at, byEntity.post.started_at, 'comment was rebuilt by the call that refreshed post');
      const postEnded = new Date(byEntity.post.started_at!).getTime() + Number(byEntity.post.seconds) * 1000;
      assert.ok(new Date(byEntity.user.started_at!).getTime() - postEnded >= 300, 'user started at least the pause after post ended');
    });

    await t.step('proof by result: tv_post and tv_comment written by one transaction, tv_user by a later one; each TVIEW rebuilt once', async () => {
      const w = await writtenBy();
      for (const entity of ['user', 'post', 'comment']) assert.equal(w[entity].transactions, '1', `${entity}: one refresh transaction wrote all its rows`);
      assert.equal(w.comment.xid, w.post.xid, 'comment was rebuilt in the transaction of post');
      assert.ok(BigInt(w.post.xid) < BigInt(w.user.xid), 'post committed before user was started');
      assert.deepEqual(await fullRefreshes(), { comment: '1', post: '1', user: '1' }, 'tviews.stats: no TVIEW rebuilt twice');
      for (const entity of ['user', 'post', 'comment']) {
        const [row] = (await t.snippet('refresh/verify-equal', { entity })).rows;
        assert.equal(row.status, 'EQUAL', entity);
      }
    });

    await t.step('failure: with tv_post held by a reader, post fails on its lock, user is refreshed and committed, comment is skipped', async () => {
      const before = await writtenBy();
      const reader = await t.session('reader');
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM tv_post');

      const result = await t.snippet('refresh/refresh-batch', { pause: '0', lock_timeout: '300ms' }, { allowError: true });
      assert.match(result.error ?? '', /not every TVIEW was refreshed/);
      assert.deepEqual(
        result.rows.map((r) => [r.entity, r.outcome]),
        [['post', 'failed'], ['user', 'refreshed'], ['comment', 'skipped']],
      );
      const byEntity = Object.fromEntries(result.rows.map((r) => [r.entity, r]));
      assert.match(byEntity.post.detail ?? '', /^55P03 canceling statement due to lock timeout/);
      assert.match(byEntity.comment.detail ?? '', /depends on post failed/);

      const after = await writtenBy();
      assert.ok(BigInt(after.user.xid) > BigInt(before.user.xid), 'tv_user was rebuilt and committed although an earlier TVIEW failed');
      assert.equal(after.post.xid, before.post.xid, 'tv_post is untouched');
      assert.equal(after.comment.xid, before.comment.xid, 'tv_comment is untouched');

      await reader.query('COMMIT');
      const rerun = await t.snippet('refresh/refresh-batch', { only: 'post', pause: '0' });
      assert.deepEqual(
        rerun.rows.map((r) => [r.entity, r.outcome, r.detail]),
        [['post', 'refreshed', null], ['comment', 'refreshed', 'rebuilt with post']],
        'asking for post plans comment too: pg_tviews_refresh rebuilds it anyway',
      );
    });
  },
});
