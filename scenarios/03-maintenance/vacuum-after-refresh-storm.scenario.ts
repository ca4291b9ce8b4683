import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * A refresh storm: every TVIEW rebuilt twice, TVIEWs dropped and re-created, then mass edits.
 * Afterwards the TVIEW tables have no planner statistics (reltuples -1 after each full
 * refresh) and dead rows, and pg_tviews' catalog table has dead rows of its own. The
 * regular-maintenance runbook's status step must say what each table needs; its vacuum step
 * must fix all of it, and must skip, not wait for, a TVIEW another session holds exclusively.
 * autovacuum is switched off for these tables so that only the runbook's steps act.
 */
export default defineScenario({
  title: 'After a refresh storm the status step asks for ANALYZE and VACUUM, the vacuum step fixes every table and skips one held by a refresh',
  runbook: '03-maintenance/regular-maintenance',
  timeout: '2min',
  async run(t) {
    const status = async () => Object.fromEntries((await t.snippet('maintenance/vacuum-status')).rows.map((r) => [r.table_name!, r]));

    await t.step('setup: autovacuum off for the TVIEW tables and pg_tviews\' registrations', async () => {
      for (const table of ['tv_user', 'tv_post', 'tv_comment', 'tviews.pg_tview_meta']) await t.sql(`ALTER TABLE ${table} SET (autovacuum_enabled = off)`);
    });

    await t.step('inject: two full refreshes of everything, a TVIEW created and dropped twice, then every post and comment edited', async () => {
      await t.sql(`SELECT tviews.pg_tviews_refresh_all()`);
      for (let i = 0; i < 2; i++) {
        await t.sql(`CREATE TABLE tv_author AS SELECT u.pk_user AS pk_author, u.id, jsonb_build_object('name', u.name) AS data FROM tb_user u`);
        await t.sql(`DROP TABLE tv_author`);
      }
      await t.sql(`SELECT tviews.pg_tviews_refresh_all()`);
      await t.sql(`UPDATE tb_post SET title = title || ' (edited)'`);
      await t.sql(`UPDATE tb_comment SET body = body || ' (edited)' WHERE pk_comment % 2 = 0`);
      await t.sql(`SELECT pg_stat_force_next_flush()`);
    });

    await t.step('diagnose: the TVIEW tables have no statistics and dead rows; the registrations have dead rows', async () => {
      const s = await status();
      for (const table of ['tv_user', 'tv_post', 'tv_comment']) {
        assert.equal(s[table].planner_rows, '-1', `${table} after a full refresh`);
        assert.match(s[table].needs!, /^ANALYZE: no statistics/, table);
      }
      assert.ok(Number(s.tv_comment.dead_rows) > 1000, `tv_comment dead rows: ${s.tv_comment.dead_rows}`);
      assert.ok(Number(s['tviews.pg_tview_meta'].dead_rows) > 0, `pg_tview_meta dead rows: ${s['tviews.pg_tview_meta'].dead_rows}`);
      assert.equal(s.tv_comment.autovacuum, 'f');
    });

    await t.step('a refresh holds tv_user: the vacuum step skips it with a WARNING instead of waiting, and does the rest', async () => {
      const refresher = await t.session('refresher');
      await refresher.query('BEGIN');
      await refresher.query(`SELECT tviews.pg_tviews_refresh('user')`);
      const started = Date.now();
      const run = await t.snippet('maintenance/vacuum-analyze-tviews', { only: '*' });
      assert.ok(Date.now() - started < 20_000, 'it did not wait for the refresh');
      assert.match(run.output, /skipping (vacuum|analyze) of "tv_user" --- lock not available/);
      const done = Object.fromEntries(run.rows.map((r) => [r.table_name!, r]));
      assert.equal(done.tv_comment.dead_rows, '0');
      assert.notEqual(done.tv_comment.planner_rows, '-1');
      assert.equal(done['tviews.pg_tview_meta'].dead_rows, '0');
      await refresher.query('COMMIT');
      await refresher.end();
    });

    await t.step('run again once the refresh committed: every table analyzed and vacuumed', async () => {
      await t.snippet('maintenance/vacuum-analyze-tviews', { only: 'user' });
      const s = await status();
      for (const table of ['tv_user', 'tv_post', 'tv_comment']) {
        assert.notEqual(s[table].planner_rows, '-1', table);
        assert.equal(s[table].dead_rows, '0', table);
        assert.ok(s[table].last_vacuum && s[table].last_analyze, table);
        assert.equal(s[table].needs, 'autovacuum off for this table: vacuum and analyze it yourself', table);
      }
      for (const table of ['tv_user', 'tv_post', 'tv_comment', 'tviews.pg_tview_meta']) await t.sql(`ALTER TABLE ${table} RESET (autovacuum_enabled)`);
      const after = await status();
      assert.deepEqual([...new Set(Object.values(after).map((r) => r.needs))], ['OK']);
      assert.deepEqual((await t.snippet('health/tview-status')).rows.map((r) => r.status), ['OK', 'OK', 'OK']);
    });
  },
});
