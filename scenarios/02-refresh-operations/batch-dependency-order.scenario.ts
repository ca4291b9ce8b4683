import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Every TVIEW drifted (users renamed while the triggers on tb_user were off). The batch
 * refresh must rebuild them in pg_tviews' dependency order, one transaction each, with the
 * pause between them. The proof is in the tables themselves: every row a refresh writes
 * carries the refresh's transaction id (xmin) and time (created_at), so tv_user's rows must
 * be older than tv_post's, and tv_post's older than tv_comment's. Then a blocked TVIEW: the
 * batch commits what it could, reports the failure, skips what depends on it, and exits with
 * an error; a second run for the rest finishes the job.
 */
export default defineScenario({
  title: 'Batch refresh: all TVIEWs refreshed in dependency order, one transaction each; a blocked one is reported and its dependents skipped',
  runbook: '02-refresh-operations/batch-refresh',
  timeout: '2min',
  async run(t) {
    const writtenBy = async () => {
      const rows = await t.sql<{ entity: string; transactions: string; xid: string; first_written: Date; last_written: Date }>(`
        SELECT 'user' AS entity, count(DISTINCT xmin::text)::text AS transactions, max(xmin::text::bigint)::text AS xid,
               min(created_at) AS first_written, max(created_at) AS last_written FROM tv_user
        UNION ALL
        SELECT 'post', count(DISTINCT xmin::text)::text, max(xmin::text::bigint)::text, min(created_at), max(created_at) FROM tv_post
        UNION ALL
        SELECT 'comment', count(DISTINCT xmin::text)::text, max(xmin::text::bigint)::text, min(created_at), max(created_at) FROM tv_comment`);
      return Object.fromEntries(rows.map((r) => [r.entity, r]));
    };

    await t.step('inject: rename users 1-10 with the pg_tviews triggers on tb_user disabled (all three TVIEWs drift)', async () => {
      await t.sql(`ALTER TABLE tb_user DISABLE TRIGGER USER`);
      await t.sql(`UPDATE tb_user SET name = name || ' (renamed)' WHERE pk_user <= 10`);
      await t.sql(`ALTER TABLE tb_user ENABLE TRIGGER USER`);
      for (const entity of ['user', 'post', 'comment']) {
        const [row] = (await t.snippet('refresh/verify-equal', { entity })).rows;
        assert.equal(row.status, 'DIFFERENT', entity);
      }
    });

    await t.step('plan: dependency-order lists user, post, comment, the same order pg_tviews_refresh_all uses', async () => {
      const { rows } = await t.snippet('refresh/dependency-order');
      assert.deepEqual(
        rows.map((r) => [r.level, r.entity, r.depends_on, r.source_tables]),
        [
          ['0', 'user', '', 'tb_user'],
          ['1', 'post', 'user', 'tb_post, tb_user'],
          ['2', 'comment', 'post, user', 'tb_comment, tb_post, tb_user'],
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

    await t.step('remedy: refresh-batch refreshes all three, dependencies first, with the pause between them', async () => {
      const { rows } = await t.snippet('refresh/refresh-batch', { pause: '0.3' });
      assert.deepEqual(
        rows.map((r) => [r.position, r.entity, r.outcome, r.row_count]),
        [
          ['1', 'user', 'refreshed', '1000'],
          ['2', 'post', 'refreshed', '2000'],
          ['3', 'comment', 'refreshed', '5000'],
        ],
      );
    });

    await t.step('proof by result: each TVIEW was written by one transaction, user before post before comment, 0.3 s apart', async () => {
      const w = await writtenBy();
      for (const entity of ['user', 'post', 'comment']) assert.equal(w[entity].transactions, '1', `${entity}: one refresh transaction wrote all its rows`);
      assert.ok(BigInt(w.user.xid) < BigInt(w.post.xid) && BigInt(w.post.xid) < BigInt(w.comment.xid), 'transaction ids in dependency order');
      assert.ok(w.post.first_written.getTime() - w.user.last_written.getTime() >= 300, 'post written at least the pause after user');
      assert.ok(w.comment.first_written.getTime() - w.post.last_written.getTime() >= 300, 'comment written at least the pause after post');
      for (const entity of ['user', 'post', 'comment']) {
        const [row] = (await t.snippet('refresh/verify-equal', { entity })).rows;
        assert.equal(row.status, 'EQUAL', entity);
      }
    });

    await t.step('failure: with tv_post held by a reader, user is refreshed and committed, post fails on its lock, comment is skipped', async () => {
      const before = await writtenBy();
      const reader = await t.session('reader');
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM tv_post');

      const result = await t.snippet('refresh/refresh-batch', { pause: '0', lock_timeout: '300ms' }, { allowError: true });
      assert.match(result.error ?? '', /not every TVIEW was refreshed/);
      assert.deepEqual(
        result.rows.map((r) => [r.entity, r.outcome]),
        [['user', 'refreshed'], ['post', 'failed'], ['comment', 'skipped']],
      );
      const byEntity = Object.fromEntries(result.rows.map((r) => [r.entity, r]));
      assert.match(byEntity.post.detail ?? '', /^55P03 canceling statement due to lock timeout/);
      assert.match(byEntity.comment.detail ?? '', /depends on post failed/);

      const after = await writtenBy();
      assert.ok(BigInt(after.user.xid) > BigInt(before.user.xid), 'tv_user was rebuilt and committed although a later TVIEW failed');
      assert.equal(after.post.xid, before.post.xid, 'tv_post is untouched');
      assert.equal(after.comment.xid, before.comment.xid, 'tv_comment is untouched');

      await reader.query('COMMIT');
      const rerun = await t.snippet('refresh/refresh-batch', { only: 'post,comment', pause: '0' });
      assert.deepEqual(rerun.rows.map((r) => [r.entity, r.outcome]), [['post', 'refreshed'], ['comment', 'refreshed']]);
    });
  },
});
