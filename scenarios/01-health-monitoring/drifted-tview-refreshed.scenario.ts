import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Someone disabled the pg_tviews triggers on tb_post (a bulk load, a migration) and changed
 * posts while they were off. pg_tviews shares a source table's changes among all TVIEWs that
 * read it, so every trg_tview_* trigger on tb_post has to be off for this to happen; then
 * both tv_post and tv_comment (which embeds the post) drift. The health check must call them
 * DRIFTED; manual refreshes must make them OK.
 */
export default defineScenario({
  title: 'A TVIEW that drifted while its triggers were off is reported DRIFTED and fixed by a refresh',
  runbook: '01-health-monitoring/tview-health-check',
  async run(t) {
    const triggers = ['row_post', 'flush_post', 'row_comment', 'flush_comment'].map((t) => `trg_tview_${t}_on_public_tb_post`);
    await t.step('inject: change 25 posts with every pg_tviews trigger on tb_post disabled', async () => {
      await t.sql(`ALTER TABLE tb_post ${triggers.map((name) => `DISABLE TRIGGER ${name}`).join(', ')}`);
      await t.sql(`UPDATE tb_post SET title = title || ' (edited)' WHERE pk_post <= 25`);
      await t.sql(`ALTER TABLE tb_post ${triggers.map((name) => `ENABLE TRIGGER ${name}`).join(', ')}`);
    });

    await t.step('diagnose: post is DRIFTED with 50 differing rows (25 old, 25 new), comment DRIFTED, user OK', async () => {
      const { rows } = await t.snippet('health/tview-status');
      const byEntity = Object.fromEntries(rows.map((r) => [r.entity, r]));
      assert.equal(byEntity.post.status, 'DRIFTED');
      assert.equal(byEntity.post.differing_rows, '50');
      const [{ comments }] = await t.sql<{ comments: string }>(`SELECT (2 * count(*))::text AS comments FROM tb_comment WHERE fk_post <= 25`);
      assert.equal(byEntity.comment.status, 'DRIFTED');
      assert.equal(byEntity.comment.differing_rows, comments);
      assert.equal(byEntity.user.status, 'OK');
    });

    await t.step('remedy: refresh tv_post, then tv_comment which embeds it; each post-check finds 0 differing rows', async () => {
      for (const entity of ['post', 'comment']) {
        const { rows } = await t.snippet('refresh/refresh-one', { entity });
        assert.deepEqual(rows, [{ entity, differing_rows_after: '0' }]);
      }
    });

    await t.step('verify: every TVIEW is OK again', async () => {
      const { rows } = await t.snippet('health/tview-status');
      assert.deepEqual(rows.map((r) => `${r.entity}:${r.status}`), ['comment:OK', 'post:OK', 'user:OK']);
    });
  },
});
