import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * The health check pointed at a hot standby, as happens when a monitoring host or an on-call
 * engineer connects to a replica. pg_tviews' own health check cannot run there (it needs a
 * transaction id), so step 2 fails; health-check.sql skips that section, saying why, and runs
 * the others; the monitor answers UNKNOWN, naming the standby, instead of failing on the
 * query. The other steps work there and show the primary's state, a disabled trigger
 * included. On the primary the same script and monitor see what they should.
 */
export default defineScenario({
  title: 'On a hot standby: pg_tviews\' health check cannot run, health-check.sql and the monitor say so, the other steps show the primary\'s state',
  runbook: '01-health-monitoring/tview-health-check',
  timeout: '3min',
  async run(t) {
    const primary = await t.cluster({ pgTviewsVersion: t.target.pgTviewsVersion });
    const standby = await primary.standby();
    const onStandby = { databaseUrl: standby.databaseUrl };
    const onPrimary = { databaseUrl: primary.databaseUrl };

    await t.step('inject: on the primary, one of tv_post\'s triggers disabled; replayed on the standby', async () => {
      const [{ name }] = await primary.sql<{ name: string }>(
        `SELECT tgname AS name FROM pg_trigger WHERE tgrelid = 'tb_post'::regclass AND tgname LIKE 'trg\\_tview\\_%\\_post\\_on\\_public\\_tb\\_post' ORDER BY tgname LIMIT 1`,
      );
      await primary.sql(`ALTER TABLE tb_post DISABLE TRIGGER ${name}`);
      await standby.caughtUp();
    });

    await t.step("step 2 on the standby: pg_tviews' own health check fails", async () => {
      const health = await t.snippet('health/health-check', {}, { ...onStandby, allowError: true });
      assert.match(health.error ?? '', /cannot assign TransactionIds during recovery/);
    });

    await t.step('health-check.sql on the standby: that section is skipped, saying why; the status section finds the disabled trigger', async () => {
      const script = await t.snippet('scripts/health-check', {}, onStandby);
      assert.match(script.output, /not run: this server is a standby \(in recovery\); run this script on the primary/);
      assert.match(script.output, /== Sampled drift/);
      const catalog = await t.snippet('health/tview-catalog', {}, onStandby);
      assert.equal(catalog.rows.find((row) => row.entity === 'post')?.status, 'TRIGGERS_DISABLED', JSON.stringify(catalog.rows));
    });

    await t.step('the monitor on the standby: UNKNOWN (exit 3), naming the standby', async () => {
      const monitor = await t.snippet('scripts/tview-monitor', {}, { ...onStandby, allowError: true });
      assert.equal(monitor.exitCode, 3, monitor.output);
      assert.match(monitor.output, /status=UNKNOWN reasons="this server is a standby \(in recovery\): .*point the monitor there"/);
    });

    await t.step("on the primary: the script runs pg_tviews' check, and the monitor raises the disabled trigger", async () => {
      const script = await t.snippet('scripts/health-check', {}, onPrimary);
      assert.doesNotMatch(script.output, /this server is a standby/);
      assert.match(script.output, /ERROR\s*\|\s*triggers/);
      const monitor = await t.snippet('scripts/tview-monitor', {}, { ...onPrimary, allowError: true });
      assert.equal(monitor.exitCode, 2, monitor.output);
      assert.match(monitor.output, /status=CRITICAL .*trigger_problems=1\b/);
    });
  },
});
