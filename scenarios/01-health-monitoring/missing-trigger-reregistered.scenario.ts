import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Two migrations recreated triggers and lost two of pg_tviews': tv_comment's row trigger on
 * tb_comment, and tv_post's delta trigger for UPDATE on tb_user (tv_post maps a tb_user
 * change to its rows with delta triggers, one per event). Comments edited and users renamed
 * afterwards never reach the TVIEWs. pg_tviews' health check names the first and misses the
 * second (it checks trigger functions, not events); health/trigger-problems names both.
 * Re-registering puts them back but does not replay the missed writes; the refresh does.
 */
const staleComments = `SELECT count(*)::int AS n FROM tviews.public__tv_comment v JOIN tv_comment t USING (pk_comment) WHERE v.data IS DISTINCT FROM t.data`;
const stalePosts = `SELECT count(*)::int AS n FROM tviews.public__tv_post v JOIN tv_post t USING (pk_post) WHERE v.data IS DISTINCT FROM t.data`;

export default defineScenario({
  title: 'Dropped pg_tviews triggers are reported missing (one only by the runbook), re-registered, and the missed writes refreshed',
  runbook: '01-health-monitoring/tview-health-check',
  async run(t) {
    await t.step('inject: drop the row trigger of tv_comment on tb_comment, then edit 10 comments', async () => {
      await t.sql('DROP TRIGGER trg_tview_row_comment_on_public_tb_comment ON tb_comment');
      await t.sql(`UPDATE tb_comment SET body = body || ' (edited)' WHERE pk_comment <= 10`);
      assert.equal((await t.sql<{ n: number }>(staleComments))[0].n, 10);
    });

    await t.step('inject: drop the UPDATE delta trigger of tv_post on tb_user, then rename 3 authors', async () => {
      await t.sql('DROP TRIGGER trg_tview_delta_u_post_on_public_tb_user ON tb_user');
      await t.sql(`UPDATE tb_user SET name = name || ' (renamed)' WHERE pk_user IN (SELECT fk_user FROM tb_post WHERE pk_post IN (1, 2, 3))`);
      const [{ posts }] = await t.sql<{ posts: number }>(
        `SELECT count(*)::int AS posts FROM tb_post WHERE fk_user IN (SELECT fk_user FROM tb_post WHERE pk_post IN (1, 2, 3))`,
      );
      assert.ok(posts >= 3);
      assert.equal((await t.sql<{ n: number }>(stalePosts))[0].n, posts, 'every post of the renamed authors is stale');
    });

    await t.step("diagnose: pg_tviews' health check names the missing row trigger only", async () => {
      const health = await t.snippet('health/health-check');
      const triggers = health.rows.find((r) => r.component === 'triggers')!;
      assert.equal(triggers.status, 'ERROR');
      assert.match(triggers.message ?? '', /^1 missing trigger .*: comment \(pg_tview_trigger_handler\) on (public\.)?tb_comment$/);
      assert.doesNotMatch(triggers.message ?? '', /post/, 'the missing delta trigger of tv_post is not reported');
      assert.match(triggers.next_step ?? '', /Missing triggers/);
    });

    await t.step('diagnose: the catalog and trigger-problems name both; the sampled check finds the stale rows', async () => {
      const catalog = await t.snippet('health/tview-catalog');
      const by = Object.fromEntries(catalog.rows.map((r) => [r.entity, r]));
      assert.equal(by.comment.status, 'MISSING_TRIGGERS');
      assert.equal(`${by.comment.triggers}/${by.comment.expected_triggers}`, '2/3');
      assert.equal(by.post.status, 'MISSING_TRIGGERS');
      assert.equal(`${by.post.triggers}/${by.post.expected_triggers}`, '7/8');
      assert.equal(by.user.status, 'OK');
      const problems = await t.snippet('health/trigger-problems');
      assert.deepEqual(problems.rows.map((r) => `${r.problem}:${r.entity}:${r.table_name}:${r.kind}`), [
        'MISSING:comment:tb_comment:row',
        'MISSING:post:tb_user:delta_update',
      ]);
      const sample = await t.snippet('health/tview-drift-sample', { sample_rows: '100000' });
      const drifted = Object.fromEntries(sample.rows.map((r) => [r.entity, r]));
      assert.equal(drifted.post.status, 'DRIFTED');
      assert.equal(Number(drifted.post.differing_rows), (await t.sql<{ n: number }>(stalePosts))[0].n);
      assert.equal(drifted.comment.status, 'DRIFTED');
      assert.equal(Number(drifted.comment.differing_rows), (await t.sql<{ n: number }>(staleComments))[0].n);
      assert.equal(drifted.user.status, 'OK');
    });

    await t.step('remedy: re-register comment and post: the triggers are back, but the rows stay stale', async () => {
      const comment = await t.snippet('health/reregister-tview', { entity: 'comment' });
      assert.deepEqual(comment.rows, [{ entity: 'comment', result: 'reregistered', row_triggers: '1', flush_triggers: '1', truncate_triggers: '1', delta_triggers: '0', disabled_triggers: '0' }]);
      const post = await t.snippet('health/reregister-tview', { entity: 'tv_post' });
      assert.deepEqual(post.rows, [{ entity: 'post', result: 'reregistered', row_triggers: '1', flush_triggers: '2', truncate_triggers: '2', delta_triggers: '3', disabled_triggers: '0' }]);
      assert.deepEqual((await t.snippet('health/trigger-problems')).rows, []);
      const status = await t.snippet('health/tview-status');
      const by = Object.fromEntries(status.rows.map((r) => [r.entity, r]));
      assert.equal(by.comment.status, 'DRIFTED', 're-registering does not replay the missed writes');
      assert.equal(by.post.status, 'DRIFTED');
    });

    await t.step('remedy: refresh tv_post (which refreshes tv_comment too); the post-check finds 0 differing rows', async () => {
      const { rows } = await t.snippet('refresh/refresh-one', { entity: 'post' });
      for (const row of rows) assert.equal(row.differing_rows_after, '0', `${row.entity} still differs`);
    });

    await t.step('verify: all OK, and new edits reach the TVIEWs through the restored triggers', async () => {
      const health = await t.snippet('health/health-check');
      assert.deepEqual(health.rows.filter((r) => r.status !== 'OK').map((r) => r.component), ['jsonb_delta']);
      await t.sql(`UPDATE tb_comment SET body = 'after the fix' WHERE pk_comment = 11`);
      const [{ body }] = await t.sql<{ body: string }>(`SELECT data->>'body' AS body FROM tv_comment WHERE pk_comment = 11`);
      assert.equal(body, 'after the fix');
      await t.sql(`UPDATE tb_user SET name = 'Renamed after the fix' WHERE pk_user = (SELECT fk_user FROM tb_post WHERE pk_post = 4)`);
      const [{ author }] = await t.sql<{ author: string }>(`SELECT data->'author'->>'name' AS author FROM tv_post WHERE pk_post = 4`);
      assert.equal(author, 'Renamed after the fix');
      const status = await t.snippet('health/tview-status');
      assert.deepEqual(status.rows.map((r) => `${r.entity}:${r.status}`), ['comment:OK', 'post:OK', 'user:OK']);
    });
  },
});
