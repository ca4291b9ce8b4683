import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';
import type { ScenarioContext } from '../../src/verify/scenario.ts';

/**
 * Someone dropped tv_comment's propagation index on fk_post (a cleanup of "unused" indexes).
 * From then on every change to a post makes pg_tviews scan all of tv_comment to find the
 * comments to refresh. The performance runbook must show it where it says: pg_tviews'
 * profile (missing_propagation_indexes), pg_stat_statements (blocks per call of the lookup)
 * and pg_stat_user_tables (sequential scans of tv_comment); adding the index back must make
 * the same workload measurably cheaper.
 */
const LOOKUP = /^SELECT "pk_comment" FROM public\.tv_comment WHERE "fk_post" = \$1/;

async function seqScans(t: ScenarioContext): Promise<number> {
  // Table statistics reach other sessions when the writer goes idle, within about a second.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const { rows } = await t.snippet('perf/table-activity');
  return Number(rows.find((r) => r.table_name === 'tv_comment')!.seq_scan);
}

async function workload(t: ScenarioContext): Promise<void> {
  for (let pk = 1; pk <= 20; pk++) await t.sql(`UPDATE tb_post SET title = title || '.' WHERE pk_post = $1`, [pk]);
  // Have this session hand its table statistics over at its next idle moment.
  await t.sql('SELECT pg_stat_force_next_flush()');
  await t.sql('SELECT 1');
}

async function lookupCost(t: ScenarioContext): Promise<{ calls: number; blocksPerCall: number }> {
  const { rows } = await t.snippet('perf/refresh-statements');
  const row = rows.find((r) => r.kind === 'refresh' && LOOKUP.test(r.query ?? ''));
  assert.ok(row, `the lookup of comments by post is listed: ${rows.map((r) => r.query).join(' | ')}`);
  const calls = Number(row.calls);
  return { calls, blocksPerCall: (Number(row.shared_read) + Number(row.shared_hit)) / calls };
}

export default defineScenario({
  title: "A refresh made expensive by a dropped propagation index shows in pg_tviews' profile, pg_stat_statements and pg_stat_user_tables",
  runbook: '01-health-monitoring/performance-monitoring',
  timeout: '120s',
  async run(t) {
    let faulty = { calls: 0, blocksPerCall: 0 };

    await t.step('inject: drop the index of tv_comment on (fk_post, pk_comment)', async () => {
      await t.sql('DROP INDEX idx_tv_comment_fk_post_pk_comment');
    });

    await t.step('measure: reset the statement statistics, then change 20 posts one by one', async () => {
      const { rows } = await t.snippet('perf/reset-statement-stats');
      assert.equal(rows.length, 1);
      const before = await seqScans(t);
      await workload(t);
      const after = await seqScans(t);
      assert.ok(after - before >= 20, `tv_comment was scanned in full for each post change (${after - before} scans)`);
    });

    await t.step("diagnose: pg_tviews' profile names the missing index", async () => {
      const { rows } = await t.snippet('perf/tview-profile');
      assert.equal(rows.find((r) => r.entity === 'comment')?.missing_propagation_indexes, '{fk_post}');
      assert.equal(rows.find((r) => r.entity === 'post')?.missing_propagation_indexes, '{}');
    });

    await t.step('diagnose: pg_stat_statements shows the lookup reading all of tv_comment on every call', async () => {
      faulty = await lookupCost(t);
      assert.equal(faulty.calls, 20);
      const [{ pages }] = await t.sql<{ pages: number }>(`SELECT relpages::int AS pages FROM pg_class WHERE oid = 'tv_comment'::regclass`);
      assert.ok(faulty.blocksPerCall >= pages * 0.9, `about the whole table per call: ${faulty.blocksPerCall} blocks, table ${pages} pages`);
      assert.ok(faulty.blocksPerCall > 100, 'above the runbook threshold of 100 blocks per call');
    });

    await t.step('remedy: add the index back without blocking writes (Refresh troubleshooting)', async () => {
      const { rows } = await t.snippet('troubleshoot/create-index', { schema: 'public', table: 'tv_comment', column: 'fk_post', index_name: 'idx_tv_comment_fk_post' });
      assert.equal(rows[0].valid, 't');
    });

    await t.step('verify: the same workload costs a fraction: few blocks per lookup and no full scans', async () => {
      await t.snippet('perf/reset-statement-stats');
      const before = await seqScans(t);
      await workload(t);
      const after = await seqScans(t);
      // At most pg_tviews' once-per-session emptiness probe (SELECT NOT EXISTS (SELECT 1 FROM tv_comment)).
      assert.ok(after - before <= 1, `no full scan per post change any more (${after - before} scans for 20 changes)`);
      const fixed = await lookupCost(t);
      assert.equal(fixed.calls, 20);
      assert.ok(fixed.blocksPerCall < 20, `an index lookup: ${fixed.blocksPerCall} blocks per call`);
      assert.ok(fixed.blocksPerCall * 10 < faulty.blocksPerCall, `at least 10 times fewer blocks (${faulty.blocksPerCall} -> ${fixed.blocksPerCall})`);
      const { rows } = await t.snippet('perf/tview-profile');
      assert.equal(rows.find((r) => r.entity === 'comment')?.missing_propagation_indexes, '{}');
    });
  },
});
