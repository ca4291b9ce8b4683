import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Two ways a TVIEW table ends up empty while its view has rows. A cleanup script runs
 * TRUNCATE tv_post: pg_tviews allows it and its health check sees nothing; the catalog
 * check calls it EMPTY, a refresh fills it, and so does the next write that reaches it. And
 * an UNLOGGED TVIEW comes back empty from a crash restart or a promotion, together with
 * pg_tviews' record that its rows can be trusted (tviews.pg_tview_valid, UNLOGGED too); this
 * scenario empties both as the reset does. The catalog check calls it NEEDS_REBUILD, and
 * pg_tviews_rebuild_all(only_empty => true) refills it.
 */
const postRows = `SELECT count(*)::int AS n FROM tv_post`;

export default defineScenario({
  title: 'An emptied TVIEW is reported EMPTY or NEEDS_REBUILD and refilled',
  runbook: '01-health-monitoring/tview-health-check',
  async run(t) {
    await t.step('inject: TRUNCATE tv_post, as a cleanup script might; pg_tviews lets it through', async () => {
      await t.sql('TRUNCATE tv_post');
      assert.equal((await t.sql<{ n: number }>(postRows))[0].n, 0);
    });

    await t.step("diagnose: pg_tviews' health check sees nothing; the catalog says EMPTY; the sample finds the missing rows", async () => {
      const health = await t.snippet('health/health-check');
      assert.deepEqual(health.rows.filter((r) => r.status !== 'OK').map((r) => r.component), ['jsonb_delta']);
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => `${r.entity}:${r.status}`), ['post:EMPTY', 'comment:OK', 'user:OK']);
      assert.match(catalog.rows[0].next_step ?? '', /refresh this TVIEW/);
      const sample = await t.snippet('health/tview-drift-sample');
      const post = sample.rows.find((r) => r.entity === 'post')!;
      assert.equal(post.status, 'DRIFTED');
      assert.equal(post.sampled_rows, '0');
      assert.ok(Number(post.missing_rows) > 0);
    });

    await t.step('remedy: refresh tv_post; it holds every row of its view again', async () => {
      const { rows } = await t.snippet('refresh/refresh-one', { entity: 'post' });
      for (const row of rows) assert.equal(row.differing_rows_after, '0', `${row.entity} still differs`);
      assert.equal((await t.sql<{ n: number }>(postRows))[0].n, 2000);
    });

    await t.step('what pg_tviews does by itself: after another TRUNCATE, the next write reaching tv_post refills it whole', async () => {
      await t.sql('TRUNCATE tv_post');
      await t.sql(`UPDATE tb_post SET title = 'refills' WHERE pk_post = 5`);
      assert.equal((await t.sql<{ n: number }>(postRows))[0].n, 2000);
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => r.status), ['OK', 'OK', 'OK']);
    });

    await t.step('set up: an UNLOGGED TVIEW tv_tag', async () => {
      await t.sql(`CREATE TABLE tb_tag (pk_tag bigint PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid(), name text NOT NULL)`);
      await t.sql(`INSERT INTO tb_tag (pk_tag, name) SELECT g, 'tag ' || g FROM generate_series(1, 20) g`);
      await t.sql(`CREATE UNLOGGED TABLE tv_tag AS SELECT t.pk_tag, t.id, jsonb_build_object('name', t.name) AS data FROM tb_tag t`);
      const catalog = await t.snippet('health/tview-catalog');
      const tag = catalog.rows.find((r) => r.entity === 'tag')!;
      assert.equal(`${tag.status}:${tag.persistence}`, 'OK:unlogged');
    });

    await t.step('inject: the reset a crash restart does to it: its table and its row in tviews.pg_tview_valid are emptied', async () => {
      await t.sql(`BEGIN; DELETE FROM tviews.pg_tview_valid WHERE entity = 'tag'; TRUNCATE tv_tag; COMMIT`);
    });

    await t.step('diagnose: the catalog says NEEDS_REBUILD for tv_tag', async () => {
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => `${r.entity}:${r.status}`), ['tag:NEEDS_REBUILD', 'comment:OK', 'post:OK', 'user:OK']);
      assert.match(catalog.rows[0].next_step ?? '', /pg_tviews_rebuild_all\(only_empty => true\)/);
    });

    await t.step('remedy: refill the reset UNLOGGED TVIEWs', async () => {
      const { rows } = await t.snippet('refresh/rebuild-empty');
      assert.deepEqual(rows, [{ entity: 'tag', rows_inserted: '20' }]);
    });

    await t.step('what pg_tviews does by itself: after another reset, the next write reaching tv_tag refills it', async () => {
      await t.sql(`BEGIN; DELETE FROM tviews.pg_tview_valid WHERE entity = 'tag'; TRUNCATE tv_tag; COMMIT`);
      await t.sql(`UPDATE tb_tag SET name = 'refills' WHERE pk_tag = 3`);
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tv_tag`);
      assert.equal(n, 20);
    });

    await t.step('verify: every TVIEW OK and equal to its view', async () => {
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => `${r.entity}:${r.status}`), ['comment:OK', 'post:OK', 'tag:OK', 'user:OK']);
      const status = await t.snippet('health/tview-status');
      assert.deepEqual(status.rows.map((r) => `${r.entity}:${r.status}`), ['comment:OK', 'post:OK', 'tag:OK', 'user:OK']);
    });
  },
});
