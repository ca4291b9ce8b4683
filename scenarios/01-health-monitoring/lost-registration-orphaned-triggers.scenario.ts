import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Someone deletes post's row from tviews.pg_tview_meta by hand. pg_tviews' health check
 * then reports only "orphaned triggers" (its metadata check stays OK), yet the damage is
 * wider: tv_comment, which is built on v_post, stops following changes to tb_post and
 * tb_user, silently. Neither pg_tviews_reregister_all() nor dropping the orphaned triggers
 * brings that back; re-creating post and the TVIEWs built on its view does.
 */
const commentDrift = `SELECT count(*)::int AS n FROM v_comment v JOIN tv_comment t USING (pk_comment) WHERE v.data IS DISTINCT FROM t.data`;

export default defineScenario({
  title: "A TVIEW whose pg_tview_meta row was deleted leaves orphaned triggers and silently stale dependents; re-creating it fixes both",
  runbook: '01-health-monitoring/tview-health-check',
  timeout: '120s',
  async run(t) {
    await t.step("inject: post's pg_tview_meta row is deleted by hand", async () => {
      const [{ n }] = await t.sql<{ n: number }>(`WITH d AS (DELETE FROM tviews.pg_tview_meta WHERE entity = 'post' RETURNING 1) SELECT count(*)::int AS n FROM d`);
      assert.equal(n, 1);
    });

    await t.step('what really happens: writes to tb_post and tb_user no longer reach tv_comment, and nothing fails', async () => {
      const app = await t.session('app');
      await app.query(`UPDATE tb_post SET title = title || ' (edited)' WHERE pk_post = 7`);
      await app.query(`UPDATE tb_user SET name = name || ' (renamed)' WHERE pk_user = 11`);
      await app.end();
      const [{ n }] = await t.sql<{ n: number }>(commentDrift);
      const [{ expected }] = await t.sql<{ expected: number }>(
        `SELECT count(*)::int AS expected FROM tb_comment c JOIN tb_post p ON p.pk_post = c.fk_post WHERE p.pk_post = 7 OR p.fk_user = 11`,
      );
      assert.ok(expected > 0);
      assert.equal(n, expected, 'every comment on the edited post and on the renamed author\'s posts is stale');
    });

    await t.step("diagnose: pg_tviews' health check says only 'orphaned triggers'; its metadata check stays OK", async () => {
      const { rows } = await t.snippet('health/health-check');
      const by = Object.fromEntries(rows.map((r) => [r.component, r]));
      assert.equal(by.metadata.status, 'OK');
      assert.equal(by.triggers.status, 'WARNING');
      assert.match(by.triggers.message ?? '', /4 orphaned triggers found/);
      assert.match(by.triggers.next_step ?? '', /Orphaned triggers/);
    });

    await t.step('diagnose: the catalog check sees nothing wrong with the remaining TVIEWs; the sampled drift check sees tv_comment', async () => {
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => `${r.entity}:${r.status}`), ['comment:OK', 'user:OK']);
      const sample = await t.snippet('health/tview-drift-sample', { sample_rows: '100000' });
      const comment = sample.rows.find((r) => r.entity === 'comment')!;
      assert.equal(comment.status, 'DRIFTED');
      assert.ok(Number(comment.differing_rows) > 0);
      const triggers = await t.snippet('health/trigger-problems');
      assert.deepEqual(triggers.rows.map((r) => `${r.problem}:${r.entity}:${r.entity_registered}:${r.table_name}:${r.kind}`), [
        'ORPHANED:post:f:tb_post:row',
        'ORPHANED:post:f:tb_post:statement',
        'ORPHANED:post:f:tb_user:row',
        'ORPHANED:post:f:tb_user:statement',
      ]);
    });

    await t.step("pg_tviews' own tools cannot help: reregister_all skips post, pg_tviews_drop does not find it", async () => {
      const reregistered = await t.sql<{ entity: string; status: string }>(`SELECT entity, status FROM tviews.pg_tviews_reregister_all()`);
      assert.deepEqual(reregistered.map((r) => r.entity).sort(), ['comment', 'user']);
      const [{ result }] = await t.sql<{ result: string }>(`SELECT tviews.pg_tviews_drop('post', true) AS result`);
      assert.match(result, /does not exist, nothing dropped/);
      const { rows } = await t.snippet('health/trigger-problems');
      assert.equal(rows.length, 4, 'the orphaned triggers are still there');
    });

    await t.step('remedy A (drop the orphaned triggers) silences the health check, but tv_comment stays unmaintained', async () => {
      const refused = await t.snippet('health/drop-orphaned-triggers', { entity: 'comment' }, { allowError: true });
      assert.match(refused.error ?? '', /still registered/);
      const { output } = await t.snippet('health/drop-orphaned-triggers', { entity: 'post' });
      assert.equal(output.match(/dropped trigger/g)?.length, 4);
      assert.deepEqual((await t.snippet('health/trigger-problems')).rows, []);
      const health = await t.snippet('health/health-check');
      assert.equal(health.rows.find((r) => r.component === 'triggers')?.status, 'OK');
      const before = (await t.sql<{ n: number }>(commentDrift))[0].n;
      const app = await t.session('app-2');
      await app.query(`UPDATE tb_post SET title = title || ' (again)' WHERE pk_post = 8`);
      await app.end();
      const after = (await t.sql<{ n: number }>(commentDrift))[0].n;
      assert.ok(after > before, 'tv_comment still misses the change to post 8');
    });

    await t.step('remedy B: re-create post and the TVIEWs built on v_post in one statement', async () => {
      const { rows, output } = await t.snippet('health/recreate-lost-tview', { entity: 'post' });
      assert.match(output, /dropped dependent TVIEW public\.tv_comment/);
      assert.match(output, /re-created TVIEW public\.tv_post/);
      assert.match(output, /re-created dependent TVIEW public\.tv_comment/);
      assert.deepEqual(rows.map((r) => r.entity), ['comment', 'post']);
    });

    await t.step('verify: no trigger problems, every TVIEW OK and equal to its view, writes cascade again', async () => {
      const triggers = await t.snippet('health/trigger-problems');
      assert.deepEqual(triggers.rows, []);
      const status = await t.snippet('health/tview-status');
      assert.deepEqual(status.rows.map((r) => `${r.entity}:${r.status}:${r.differing_rows}`), ['comment:OK:0', 'post:OK:0', 'user:OK:0']);
      const app = await t.session('app-after');
      await app.query(`UPDATE tb_post SET title = title || ' (after the fix)' WHERE pk_post = 9`);
      await app.query(`UPDATE tb_user SET name = name || ' (after the fix)' WHERE pk_user = 12`);
      await app.end();
      assert.equal((await t.sql<{ n: number }>(commentDrift))[0].n, 0);
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM v_post v JOIN tv_post t USING (pk_post) WHERE v.data IS DISTINCT FROM t.data`);
      assert.equal(n, 0);
    });
  },
});
