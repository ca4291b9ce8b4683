import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Someone disabled pg_tviews' triggers on tb_post (a bulk load, a migration), changed posts
 * while they were off, and enabled them again. tv_post missed the changes, and so did
 * tv_comment, which reads tv_post's view: pg_tviews puts no trigger of tv_comment on tb_post
 * and reaches it through tv_post. Once the triggers are back, the catalog check is clean:
 * only the drift checks see the damage. Refreshing tv_post alone repairs both, since a
 * refresh also refreshes the TVIEWs that read through the refreshed one.
 */
export default defineScenario({
  title: 'A TVIEW that drifted while its triggers were off is reported DRIFTED and fixed by a refresh',
  runbook: '01-health-monitoring/tview-health-check',
  async run(t) {
    await t.step('set up: the only pg_tviews triggers on tb_post are tv_post\'s row, flush and TRUNCATE triggers', async () => {
      const rows = await t.sql<{ tgname: string }>(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'tb_post'::regclass AND tgname LIKE 'trg_tview_%' ORDER BY tgname`);
      assert.deepEqual(rows.map((r) => r.tgname), [
        'trg_tview_flush_post_on_public_tb_post',
        'trg_tview_row_post_on_public_tb_post',
        'trg_tview_truncate_post_on_public_tb_post',
      ]);
    });

    await t.step('inject: change 25 posts with the pg_tviews triggers on tb_post disabled, then enable them again', async () => {
      const triggers = ['row', 'flush', 'truncate'].map((kind) => `trg_tview_${kind}_post_on_public_tb_post`);
      await t.sql(`ALTER TABLE tb_post ${triggers.map((name) => `DISABLE TRIGGER ${name}`).join(', ')}`);
      await t.sql(`UPDATE tb_post SET title = title || ' (edited)' WHERE pk_post <= 25`);
      await t.sql(`ALTER TABLE tb_post ${triggers.map((name) => `ENABLE TRIGGER ${name}`).join(', ')}`);
    });

    await t.step("diagnose: the catalog and pg_tviews' own check see nothing wrong now", async () => {
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => `${r.entity}:${r.status}`), ['comment:OK', 'post:OK', 'user:OK']);
      const health = await t.snippet('health/health-check');
      assert.deepEqual(health.rows.filter((r) => r.status !== 'OK').map((r) => r.component), ['jsonb_delta']);
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

    await t.step('remedy: refresh tv_post; its post-check finds 0 differing rows', async () => {
      const { rows } = await t.snippet('refresh/refresh-one', { entity: 'post' });
      assert.ok(rows.some((r) => r.entity === 'post'), 'the post-check reports post');
      for (const row of rows) assert.equal(row.differing_rows_after, '0', `${row.entity} still differs`);
    });

    await t.step('verify: every TVIEW is OK again, tv_comment included, without refreshing it', async () => {
      const { rows } = await t.snippet('health/tview-status');
      assert.deepEqual(rows.map((r) => `${r.entity}:${r.status}:${r.differing_rows}`), ['comment:OK:0', 'post:OK:0', 'user:OK:0']);
      const counters = await t.snippet('health/refresh-counters');
      const by = Object.fromEntries(counters.rows.map((r) => [r.entity, r]));
      assert.equal(by.post.full_refreshes, '1');
      assert.equal(by.comment.full_refreshes, '1', 'refreshing tv_post refreshed tv_comment too');
      assert.equal(by.user.full_refreshes, '0');
    });
  },
});
