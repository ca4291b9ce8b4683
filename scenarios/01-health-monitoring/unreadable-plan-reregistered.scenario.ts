import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * A restore out of step with the installed release (a catalog dumped where a newer
 * pg_tviews runs) brings back tv_post's catalog row with a propagation plan of a version this
 * release cannot read (plan version 4; beta.34 writes 3 and still reads the older 2). From then on every write to a source table of any
 * TVIEW fails, tb_comment included, which tv_post does not even read. Only pg_tviews' own
 * health check sees it (component plans); re-registering the TVIEW it names repairs it.
 * Then an upgrade flags every TVIEW needs_reregister: writes keep working, the health check
 * warns (component reregister), and pg_tviews_reregister_all() clears it.
 */
export default defineScenario({
  title: "An unreadable propagation plan that fails every write is found by pg_tviews' plans check and re-registered; TVIEWs flagged by an upgrade are re-registered",
  runbook: '01-health-monitoring/tview-health-check',
  async run(t) {
    await t.step("inject: tv_post's plan is restored with plan version 4, which this release cannot read", async () => {
      const [{ n }] = await t.sql<{ n: number }>(
        `WITH u AS (UPDATE tviews.pg_tview_meta SET plan = jsonb_set(plan, '{version}', '4') WHERE entity = 'post' RETURNING 1) SELECT count(*)::int AS n FROM u`,
      );
      assert.equal(n, 1);
    });

    await t.step('what really happens: writes to the source tables of every TVIEW fail', async () => {
      const app = await t.session('app');
      for (const write of [
        `UPDATE tb_post SET title = 'x' WHERE pk_post = 1`,
        `UPDATE tb_user SET name = 'x' WHERE pk_user = 1`,
        `UPDATE tb_comment SET body = 'x' WHERE pk_comment = 1`,
      ]) {
        await assert.rejects(app.query(write), /could not read the propagation plans: .*tv_post.*plan version 4 is not 3/, write);
      }
      await app.end();
    });

    await t.step("diagnose: pg_tviews' health check reports the plan as an ERROR naming tv_post; the catalog check cannot see it", async () => {
      const health = await t.snippet('health/health-check');
      const plans = health.rows.find((r) => r.component === 'plans')!;
      assert.equal(plans.status, 'ERROR');
      assert.match(plans.message ?? '', /1 TVIEW unreadable.*tv_post/);
      assert.match(plans.next_step ?? '', /pg_tviews_reregister/);
      assert.equal(health.rows[0].component, 'plans', 'the ERROR comes first');
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => r.status), ['OK', 'OK', 'OK']);
    });

    await t.step('remedy: re-register post; the plan reads again and writes go through', async () => {
      const { rows } = await t.snippet('health/reregister-tview', { entity: 'post' });
      assert.equal(rows[0].result, 'reregistered');
      const health = await t.snippet('health/health-check');
      assert.deepEqual(health.rows.filter((r) => r.status !== 'OK').map((r) => r.component), ['jsonb_delta']);
      await t.sql(`UPDATE tb_user SET name = 'Renamed after the fix' WHERE pk_user = (SELECT fk_user FROM tb_post WHERE pk_post = 1)`);
      const [{ author }] = await t.sql<{ author: string }>(`SELECT data->'author'->>'name' AS author FROM tv_post WHERE pk_post = 1`);
      assert.equal(author, 'Renamed after the fix');
      const status = await t.snippet('health/tview-status');
      assert.deepEqual(status.rows.map((r) => `${r.entity}:${r.status}`), ['comment:OK', 'post:OK', 'user:OK'], 'the failed writes were rolled back: nothing to refresh');
    });

    await t.step('inject: an upgrade flags every TVIEW needs_reregister; writes keep working', async () => {
      await t.sql(`UPDATE tviews.pg_tview_meta SET needs_reregister = true`);
      await t.sql(`UPDATE tb_post SET title = 'still refreshed' WHERE pk_post = 2`);
      const [{ title }] = await t.sql<{ title: string }>(`SELECT data->>'title' AS title FROM tv_post WHERE pk_post = 2`);
      assert.equal(title, 'still refreshed');
    });

    await t.step('diagnose: the reregister component warns, the catalog says NEEDS_REREGISTER for each', async () => {
      const health = await t.snippet('health/health-check');
      const reregister = health.rows.find((r) => r.component === 'reregister')!;
      assert.equal(reregister.status, 'WARNING');
      assert.match(reregister.message ?? '', /3 TVIEWs registered by an older release/);
      assert.match(reregister.next_step ?? '', /pg_tviews_reregister_all/);
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => `${r.entity}:${r.status}`), ['comment:NEEDS_REREGISTER', 'post:NEEDS_REREGISTER', 'user:NEEDS_REREGISTER']);
    });

    await t.step('remedy: re-register every TVIEW', async () => {
      const { rows } = await t.snippet('health/reregister-all');
      assert.deepEqual(rows.map((r) => `${r.entity}:${r.status}`).sort(), ['comment:reregistered', 'post:reregistered', 'user:reregistered']);
    });

    await t.step('verify: every component OK but jsonb_delta, every TVIEW OK', async () => {
      const health = await t.snippet('health/health-check');
      assert.deepEqual(health.rows.filter((r) => r.status !== 'OK').map((r) => r.component), ['jsonb_delta']);
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => r.status), ['OK', 'OK', 'OK']);
    });
  },
});
