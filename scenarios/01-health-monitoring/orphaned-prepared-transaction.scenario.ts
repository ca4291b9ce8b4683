import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * A client prepared two transactions that renamed users, then died before finishing them.
 * Queue management must list both with their age and the tb_ table they hold; committing
 * one publishes its TVIEW change, rolling back the other leaves the TVIEWs as they were.
 */
export default defineScenario({
  title: 'Orphaned prepared transactions that touched tb_user are found, then committed or rolled back',
  runbook: '01-health-monitoring/queue-management',
  async run(t) {
    await t.step('inject: two prepared transactions renaming users 7 and 8, left unfinished', async () => {
      const client = await t.session('client');
      for (const [pk, gid] of [[7, 'orphan-commit'], [8, 'orphan-rollback']] as const) {
        await client.query('BEGIN');
        await client.query(`UPDATE tb_user SET name = $1 WHERE pk_user = $2`, [`Renamed by ${gid}`, pk]);
        await client.query(`PREPARE TRANSACTION '${gid}'`);
      }
      await client.end();
    });

    await t.step('diagnose: both are listed, with an age and tb_user among the tables they wrote', async () => {
      const { rows } = await t.snippet('queue/prepared-transactions');
      const ours = rows.filter((r) => r.gid?.startsWith('orphan-'));
      assert.deepEqual(ours.map((r) => r.gid), ['orphan-commit', 'orphan-rollback']);
      for (const row of ours) {
        assert.match(row.age ?? '', /^\d{2}:\d{2}:\d{2}$/);
        assert.match(row.tables_written ?? '', /\btb_user\b/);
        assert.equal(row.tviews_affected, 'tv_comment, tv_post, tv_user', 'tb_user feeds all three TVIEWs');
      }
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tv_post WHERE data->'author'->>'name' LIKE 'Renamed by%'`);
      assert.equal(n, 0, 'the prepared changes must not be visible yet');
    });

    await t.step('diagnose: a rebuild of an affected TVIEW waits for the prepared transactions (TRUNCATE)', async () => {
      await t.sql(`SET lock_timeout = '1s'`);
      await assert.rejects(t.sql(`SELECT tviews.pg_tviews_refresh('user')`), /lock timeout/);
      await t.sql('RESET lock_timeout');
    });

    await t.step('diagnose: the monitor warns about them and runs the alert command once', async () => {
      const monitor = await t.snippet('scripts/tview-monitor', { prepared_warn: '0', alert_command: 'mail -s "pg_tviews $TVIEW_MONITOR_STATUS" oncall@example.test' }, { allowError: true });
      assert.equal(monitor.exitCode, 1);
      assert.match(monitor.output, /status=WARNING prepared=2 /);
      assert.equal(monitor.stubCalls?.length, 1);
      assert.deepEqual(monitor.stubCalls?.[0].args, ['-s', 'pg_tviews WARNING', 'oncall@example.test']);
      assert.match(monitor.stubCalls?.[0].stdin ?? '', /prepared transaction open \d+s >= 0s/);
      const critical = await t.snippet('scripts/tview-monitor', { prepared_warn: '0', prepared_crit: '0' }, { allowError: true });
      assert.equal(critical.exitCode, 2);
    });

    await t.step('remedy 1: COMMIT PREPARED publishes the rename in tv_post, equal to v_post', async () => {
      await t.snippet('queue/commit-prepared', { gid: 'orphan-commit' });
      const [{ tv, v }] = await t.sql<{ tv: number; v: number }>(
        `SELECT (SELECT count(*)::int FROM tv_post WHERE data->'author'->>'name' = 'Renamed by orphan-commit') AS tv,
                (SELECT count(*)::int FROM v_post WHERE data->'author'->>'name' = 'Renamed by orphan-commit') AS v`,
      );
      assert.ok(tv > 0);
      assert.equal(tv, v);
    });

    await t.step('remedy 2: ROLLBACK PREPARED leaves tv_post without the other rename', async () => {
      await t.snippet('queue/rollback-prepared', { gid: 'orphan-rollback' });
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tv_post WHERE data->'author'->>'name' = 'Renamed by orphan-rollback'`);
      assert.equal(n, 0);
    });

    await t.step('verify: no prepared transaction is left, the TVIEWs equal their views, the monitor is OK', async () => {
      const { rows } = await t.snippet('queue/prepared-transactions');
      assert.deepEqual(rows.filter((r) => r.gid?.startsWith('orphan-')), []);
      const sample = await t.snippet('health/tview-drift-sample', { sample_rows: '100000' });
      assert.deepEqual(sample.rows.map((r) => `${r.entity}:${r.status}`), ['comment:OK', 'post:OK', 'user:OK']);
      const monitor = await t.snippet('scripts/tview-monitor', { prepared_warn: '0' });
      assert.equal(monitor.exitCode, 0);
      assert.match(monitor.output, /status=OK prepared=0 /);
    });
  },
});
