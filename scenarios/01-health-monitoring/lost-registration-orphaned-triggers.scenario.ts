import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Someone deletes post's row from tviews.pg_tview_meta by hand (or a partial restore skips
 * it). Its eight triggers stay on tb_post and tb_user: writes to tb_user now fail, writes to
 * tb_post succeed, and tv_comment, which reads tv_post's view and is reached through it,
 * silently stops following both tables. pg_tviews' health check says only "orphaned
 * triggers". Remedy A (post is not needed any more): drop the orphaned triggers, which lets
 * the writes through but leaves tv_comment unmaintained until it is re-registered and
 * refreshed. Remedy B (post is needed): re-create post and the TVIEWs built on it.
 */
const commentDrift = `SELECT count(*)::int AS n FROM tviews.public__tv_comment v JOIN tv_comment t USING (pk_comment) WHERE v.data IS DISTINCT FROM t.data`;

export default defineScenario({
  title: "A TVIEW whose pg_tview_meta row was deleted leaves orphaned triggers, failing writes and silently stale dependents; both remedies fix them",
  runbook: '01-health-monitoring/tview-health-check',
  timeout: '120s',
  async run(t) {
    await t.step("inject: post's pg_tview_meta row is deleted by hand", async () => {
      const [{ n }] = await t.sql<{ n: number }>(`WITH d AS (DELETE FROM tviews.pg_tview_meta WHERE entity = 'post' RETURNING 1) SELECT count(*)::int AS n FROM d`);
      assert.equal(n, 1);
    });

    await t.step('what really happens: writes to tb_user fail; writes to tb_post succeed but no longer reach tv_comment', async () => {
      const app = await t.session('app');
      await assert.rejects(
        app.query(`UPDATE tb_user SET name = name || ' (renamed)' WHERE pk_user = 11`),
        /could not map the changed rows to tv_post keys: TVIEW post does not exist/,
      );
      await app.query(`UPDATE tb_post SET title = title || ' (edited)' WHERE pk_post = 7`);
      await app.end();
      const [{ n }] = await t.sql<{ n: number }>(commentDrift);
      const [{ expected }] = await t.sql<{ expected: number }>(`SELECT count(*)::int AS expected FROM tb_comment WHERE fk_post = 7`);
      assert.ok(expected > 0);
      assert.equal(n, expected, 'every comment on the edited post is stale');
    });

    await t.step("diagnose: pg_tviews' health check says only 'orphaned triggers'; its metadata check stays OK", async () => {
      const { rows } = await t.snippet('health/health-check');
      const by = Object.fromEntries(rows.map((r) => [r.component, r]));
      assert.equal(by.metadata.status, 'OK');
      assert.equal(by.triggers.status, 'WARNING');
      assert.match(by.triggers.message ?? '', /8 orphaned triggers found/);
      assert.match(by.triggers.next_step ?? '', /Orphaned triggers/);
    });

    await t.step('diagnose: the catalog calls tv_comment LOST_UPSTREAM, the sample finds its drift, the triggers are listed', async () => {
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => `${r.entity}:${r.status}`), ['comment:LOST_UPSTREAM', 'user:OK']);
      assert.match(catalog.rows[0].next_step ?? '', /writes to tb_post, tb_user no longer reach it/);
      const sample = await t.snippet('health/tview-drift-sample', { sample_rows: '100000' });
      const comment = sample.rows.find((r) => r.entity === 'comment')!;
      assert.equal(comment.status, 'DRIFTED');
      assert.ok(Number(comment.differing_rows) > 0);
      const triggers = await t.snippet('health/trigger-problems');
      assert.deepEqual(triggers.rows.map((r) => `${r.problem}:${r.entity}:${r.entity_registered}:${r.table_name}:${r.kind}`), [
        'ORPHANED:post:f:tb_post:flush',
        'ORPHANED:post:f:tb_post:row',
        'ORPHANED:post:f:tb_post:truncate',
        'ORPHANED:post:f:tb_user:delta_delete',
        'ORPHANED:post:f:tb_user:delta_insert',
        'ORPHANED:post:f:tb_user:delta_update',
        'ORPHANED:post:f:tb_user:flush',
        'ORPHANED:post:f:tb_user:truncate',
      ]);
    });

    await t.step('pg_tviews_drop cannot help: it does not find post', async () => {
      const [{ result }] = await t.sql<{ result: string }>(`SELECT tviews.pg_tviews_drop('post', true) AS result`);
      assert.match(result, /does not exist, nothing dropped/);
      const { rows } = await t.snippet('health/trigger-problems');
      assert.equal(rows.length, 8, 'the orphaned triggers are still there');
    });

    await t.step('remedy A: dropping the orphaned triggers lets writes to tb_user through, but tv_comment stays unmaintained', async () => {
      const refused = await t.snippet('health/drop-orphaned-triggers', { entity: 'comment' }, { allowError: true });
      assert.match(refused.error ?? '', /still registered/);
      const { output } = await t.snippet('health/drop-orphaned-triggers', { entity: 'post' });
      assert.equal(output.match(/dropped trigger/g)?.length, 8);
      assert.deepEqual((await t.snippet('health/trigger-problems')).rows, []);
      const health = await t.snippet('health/health-check');
      assert.deepEqual(health.rows.filter((r) => r.status !== 'OK').map((r) => r.component), ['jsonb_delta'], 'pg_tviews sees nothing wrong any more');
      await t.sql(`UPDATE tb_user SET name = name || ' (renamed)' WHERE pk_user = 11`);
      const before = (await t.sql<{ n: number }>(commentDrift))[0].n;
      await t.sql(`UPDATE tb_post SET title = title || ' (again)' WHERE pk_post = 8`);
      const after = (await t.sql<{ n: number }>(commentDrift))[0].n;
      assert.ok(after > before, 'tv_comment misses the change to post 8');
      const catalog = await t.snippet('health/tview-catalog');
      assert.equal(catalog.rows.find((r) => r.entity === 'comment')?.status, 'LOST_UPSTREAM');
    });

    await t.step('remedy A, continued: re-register tv_comment, then refresh it; changes to tb_post reach it again', async () => {
      const { rows } = await t.snippet('health/reregister-tview', { entity: 'comment' });
      assert.equal(rows[0].result, 'reregistered');
      assert.equal(rows[0].disabled_triggers, '0');
      assert.ok(Number(rows[0].delta_triggers) > 0, 'tv_comment now has its own triggers on tb_post and tb_user');
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => `${r.entity}:${r.status}`), ['comment:OK', 'user:OK']);
      const refreshed = await t.snippet('refresh/refresh-one', { entity: 'comment' });
      for (const row of refreshed.rows) assert.equal(row.differing_rows_after, '0', `${row.entity} still differs`);
      await t.sql(`UPDATE tb_post SET title = title || ' (after A)' WHERE pk_post = 8`);
      assert.equal((await t.sql<{ n: number }>(commentDrift))[0].n, 0);
    });

    await t.step('remedy B: re-create post and the TVIEWs built on its view in one statement', async () => {
      const { rows, output } = await t.snippet('health/recreate-lost-tview', { entity: 'post' });
      assert.match(output, /dropped dependent TVIEW public\.tv_comment/);
      assert.match(output, /re-created TVIEW public\.tv_post/);
      assert.match(output, /re-created dependent TVIEW public\.tv_comment/);
      assert.deepEqual(rows.map((r) => `${r.entity}:${r.logged}`), ['comment:true', 'post:true']);
    });

    await t.step('verify: no trigger problems, every TVIEW OK and equal to its view, writes cascade again', async () => {
      const triggers = await t.snippet('health/trigger-problems');
      assert.deepEqual(triggers.rows, []);
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => `${r.entity}:${r.status}:${r.upstream}`), ['comment:OK:post', 'post:OK:', 'user:OK:']);
      const status = await t.snippet('health/tview-status');
      assert.deepEqual(status.rows.map((r) => `${r.entity}:${r.status}:${r.differing_rows}`), ['comment:OK:0', 'post:OK:0', 'user:OK:0']);
      const app = await t.session('app-after');
      await app.query(`UPDATE tb_post SET title = title || ' (after the fix)' WHERE pk_post = 9`);
      await app.query(`UPDATE tb_user SET name = name || ' (after the fix)' WHERE pk_user = 12`);
      await app.end();
      assert.equal((await t.sql<{ n: number }>(commentDrift))[0].n, 0);
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tviews.public__tv_post v JOIN tv_post t USING (pk_post) WHERE v.data IS DISTINCT FROM t.data`);
      assert.equal(n, 0);
    });
  },
});
