import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * A bulk load disabled every pg_tviews trigger on tb_post and was aborted before it
 * enabled them again. The quick check must call the two TVIEWs fed by tb_post
 * TRIGGERS_DISABLED (not OK), the cheap sampled check must find the drift, enabling the
 * triggers must bring writes through again, and refreshes must repair the rows.
 */
export default defineScenario({
  title: 'TVIEW triggers left disabled by a bulk load are found, enabled, and the drift refreshed',
  runbook: '01-health-monitoring/tview-health-check',
  async run(t) {
    await t.step('inject: disable all pg_tviews triggers on tb_post and edit 40 posts', async () => {
      await t.sql(`DO $$ DECLARE r record; BEGIN
          FOR r IN SELECT tgname FROM pg_trigger WHERE tgrelid = 'tb_post'::regclass AND tgname LIKE 'trg_tview_%' LOOP
            EXECUTE format('ALTER TABLE tb_post DISABLE TRIGGER %I', r.tgname);
          END LOOP; END $$`);
      await t.sql(`UPDATE tb_post SET title = title || ' (bulk)' WHERE pk_post <= 40`);
    });

    await t.step('diagnose (quick): post and comment are TRIGGERS_DISABLED, user is OK', async () => {
      const { rows } = await t.snippet('health/tview-catalog');
      assert.deepEqual(rows.map((r) => `${r.entity}:${r.status}:${r.disabled_triggers}`), ['comment:TRIGGERS_DISABLED:2', 'post:TRIGGERS_DISABLED:2', 'user:OK:0']);
      const health = await t.snippet('health/health-check');
      assert.equal(health.rows.find((r) => r.component === 'triggers')?.status, 'OK', "pg_tviews' own check does not look at disabled triggers");
    });

    await t.step('diagnose (sampled): both DRIFTED, 40 stale posts', async () => {
      const { rows } = await t.snippet('health/tview-drift-sample', { sample_rows: '100000' });
      const by = Object.fromEntries(rows.map((r) => [r.entity, r]));
      assert.equal(by.post.status, 'DRIFTED');
      assert.equal(by.post.differing_rows, '40');
      assert.equal(by.comment.status, 'DRIFTED');
      assert.equal(by.user.status, 'OK');
    });

    await t.step('remedy: enable the triggers of post, then of comment', async () => {
      for (const entity of ['post', 'comment']) {
        const { rows, output } = await t.snippet('health/enable-tview-triggers', { entity });
        assert.deepEqual(rows, [{ entity, enabled_triggers: entity === 'post' ? '4' : '6', disabled_triggers: '0' }]);
        assert.equal(output.match(/enabled trigger/g)?.length, 2);
      }
      const { rows } = await t.snippet('health/tview-catalog');
      assert.deepEqual(rows.map((r) => r.status), ['OK', 'OK', 'OK']);
    });

    await t.step('remedy: refresh post, then comment which embeds it', async () => {
      for (const entity of ['post', 'comment']) {
        const { rows } = await t.snippet('refresh/refresh-one', { entity });
        assert.deepEqual(rows, [{ entity, differing_rows_after: '0' }]);
      }
    });

    await t.step('verify: the exact check is OK everywhere and a new edit reaches both TVIEWs', async () => {
      await t.sql(`UPDATE tb_post SET title = 'after the fix' WHERE pk_post = 41`);
      const { rows } = await t.snippet('health/tview-status');
      assert.deepEqual(rows.map((r) => `${r.entity}:${r.status}:${r.differing_rows}`), ['comment:OK:0', 'post:OK:0', 'user:OK:0']);
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tv_comment WHERE fk_post = 41 AND data->'post'->>'title' = 'after the fix'`);
      const [{ c }] = await t.sql<{ c: number }>(`SELECT count(*)::int AS c FROM tb_comment WHERE fk_post = 41`);
      assert.equal(n, c);
    });
  },
});
