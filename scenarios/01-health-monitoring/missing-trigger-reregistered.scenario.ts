import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * A migration recreated tb_comment's triggers and lost pg_tviews' row trigger for
 * tv_comment; comments edited afterwards never reach tv_comment. The health check must
 * name the missing trigger, re-registering must put it back, and since re-registering does
 * not replay the missed writes, the refresh afterwards must make tv_comment equal again.
 */
export default defineScenario({
  title: 'A dropped pg_tviews trigger is reported missing, re-registered, and the missed writes refreshed',
  runbook: '01-health-monitoring/tview-health-check',
  async run(t) {
    await t.step('inject: drop the row trigger of tv_comment on tb_comment, then edit 10 comments', async () => {
      await t.sql('DROP TRIGGER trg_tview_row_comment_on_public_tb_comment ON tb_comment');
      await t.sql(`UPDATE tb_comment SET body = body || ' (edited)' WHERE pk_comment <= 10`);
    });

    await t.step("diagnose: pg_tviews' health check names the missing trigger; tv_comment is MISSING_TRIGGERS", async () => {
      const health = await t.snippet('health/health-check');
      const triggers = health.rows.find((r) => r.component === 'triggers')!;
      assert.equal(triggers.status, 'WARNING');
      assert.match(triggers.message ?? '', /1 missing trigger .*comment \(pg_tview_trigger_handler\) on tb_comment/);
      assert.match(triggers.next_step ?? '', /Missing triggers/);
      const catalog = await t.snippet('health/tview-catalog');
      const comment = catalog.rows.find((r) => r.entity === 'comment')!;
      assert.equal(comment.status, 'MISSING_TRIGGERS');
      assert.equal(`${comment.triggers}/${comment.expected_triggers}`, '5/6');
      const problems = await t.snippet('health/trigger-problems');
      assert.deepEqual(problems.rows.map((r) => `${r.problem}:${r.entity}:${r.table_name}:${r.kind}`), ['MISSING:comment:tb_comment:row']);
    });

    await t.step('diagnose: the sampled check finds the 10 stale comments', async () => {
      const { rows } = await t.snippet('health/tview-drift-sample', { sample_rows: '100000' });
      const comment = rows.find((r) => r.entity === 'comment')!;
      assert.equal(comment.status, 'DRIFTED');
      assert.equal(comment.differing_rows, '10');
    });

    await t.step('remedy: re-register comment: 3 row and 3 statement triggers again, but the rows stay stale', async () => {
      const { rows } = await t.snippet('health/reregister-tview', { entity: 'comment' });
      assert.deepEqual(rows, [{ entity: 'comment', row_triggers: '3', statement_triggers: '3' }]);
      const status = await t.snippet('health/tview-status');
      const comment = status.rows.find((r) => r.entity === 'comment')!;
      assert.equal(comment.status, 'DRIFTED', 're-registering does not replay the missed writes');
      assert.equal(comment.differing_rows, '20');
    });

    await t.step('remedy: refresh tv_comment; the post-check finds 0 differing rows', async () => {
      const { rows } = await t.snippet('refresh/refresh-one', { entity: 'comment' });
      assert.deepEqual(rows, [{ entity: 'comment', differing_rows_after: '0' }]);
    });

    await t.step('verify: all OK, and a new comment edit reaches tv_comment through the restored trigger', async () => {
      const health = await t.snippet('health/health-check');
      assert.deepEqual(health.rows.filter((r) => r.status !== 'OK').map((r) => r.component), ['jsonb_delta']);
      await t.sql(`UPDATE tb_comment SET body = 'after the fix' WHERE pk_comment = 11`);
      const [{ body }] = await t.sql<{ body: string }>(`SELECT data->>'body' AS body FROM tv_comment WHERE pk_comment = 11`);
      assert.equal(body, 'after the fix');
      const status = await t.snippet('health/tview-status');
      assert.deepEqual(status.rows.map((r) => `${r.entity}:${r.status}`), ['comment:OK', 'post:OK', 'user:OK']);
    });
  },
});
