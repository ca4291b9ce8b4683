import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';
import type { ScenarioContext } from '../../src/verify/scenario.ts';

/**
 * Someone dropped tv_comment's propagation index on fk_post (a cleanup of "unused" indexes).
 * From then on every change to a post makes pg_tviews scan all of tv_comment to find the
 * comments to refresh. The performance runbook must show it where it says: pg_tviews'
 * profile (missing_propagation_indexes and its warning), pg_stat_statements (blocks per call
 * of the lookup) and pg_stat_user_tables (sequential scans of tv_comment), while tviews.stats
 * counts the rows the workload refreshed; adding the index back must make the same workload
 * measurably cheaper.
 */
const LOOKUP = /^SELECT "fk_post"::pg_catalog\.int8 AS child_key, "pk_comment"::pg_catalog\.int8 AS parent_key FROM public\.tv_comment WHERE "fk_post" = \$1/;

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
  assert.equal(Number(row.blocks_per_call), Math.round((10 * (Number(row.shared_read) + Number(row.shared_hit))) / calls) / 10);
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

    await t.step('measure: reset the statement and refresh statistics, then change 20 posts one by one', async () => {
      const { rows } = await t.snippet('perf/reset-statement-stats');
      assert.equal(rows.length, 1);
      const reset = await t.snippet('perf/reset-refresh-stats');
      assert.deepEqual(reset.rows.map((r) => `${r.entity}:${r.refresh_ms}:${r.rows_written}`), ['comment:0:0', 'post:0:0', 'user:0:0']);
      const before = await seqScans(t);
      await workload(t);
      const after = await seqScans(t);
      assert.ok(after - before >= 20, `tv_comment was scanned in full for each post change (${after - before} scans)`);
    });

    await t.step('measure: tviews.stats counts the 20 posts and the comments embedding them as rewritten', async () => {
      const [{ comments }] = await t.sql<{ comments: number }>(`SELECT count(*)::int AS comments FROM tb_comment WHERE fk_post BETWEEN 1 AND 20`);
      const { rows } = await t.snippet('perf/refresh-stats');
      const byEntity = Object.fromEntries(rows.map((r) => [r.entity, r]));
      assert.equal(byEntity.post.rows_written, '20');
      assert.equal(byEntity.comment.rows_written, String(comments));
      assert.equal(byEntity.user.rows_written, '0');
      assert.ok(Number(byEntity.post.refresh_ms) > 0 && Number(byEntity.comment.refresh_ms) > 0, 'refresh time is counted per TVIEW');
      assert.equal(rows.at(-1)?.entity, 'user', 'most expensive first: user, which refreshed nothing, comes last');
    });

    await t.step("diagnose: pg_tviews' profile names the missing index", async () => {
      const { rows } = await t.snippet('perf/tview-profile');
      const comment = rows.find((r) => r.entity === 'comment');
      assert.equal(comment?.missing_propagation_indexes, '{fk_post}');
      assert.match(comment?.warnings ?? '', /fk_post has no index: a cascade into public\.tv_comment scans the whole table/);
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
      assert.ok(after - before <= 1, `no full scan per post change any more (${after - before} scans for 20 changes)`);
      const fixed = await lookupCost(t);
      assert.equal(fixed.calls, 20);
      assert.ok(fixed.blocksPerCall < 20, `an index lookup: ${fixed.blocksPerCall} blocks per call`);
      assert.ok(fixed.blocksPerCall * 10 < faulty.blocksPerCall, `at least 10 times fewer blocks (${faulty.blocksPerCall} -> ${fixed.blocksPerCall})`);
      const { rows } = await t.snippet('perf/tview-profile');
      assert.equal(rows.find((r) => r.entity === 'comment')?.missing_propagation_indexes, '{}');
    });

    await t.step('a reset of tviews.stats is not transactional: a ROLLBACK does not bring the counters back', async () => {
      const before = (await t.snippet('perf/refresh-stats')).rows.find((r) => r.entity === 'post')!;
      assert.ok(Number(before.rows_written) >= 40, `the two workloads counted: ${before.rows_written}`);
      await t.sql('BEGIN');
      await t.sql('SELECT tviews.pg_tviews_stats_reset()');
      await t.sql('ROLLBACK');
      const after = (await t.snippet('perf/refresh-stats')).rows.find((r) => r.entity === 'post')!;
      assert.equal(after.rows_written, '0');
    });

    await t.step('how tviews.stats counts whole refreshes: pg_tviews_refresh() only in full_refreshes, a TRUNCATE with its rows and time', async () => {
      await t.snippet('perf/reset-refresh-stats');
      await t.sql(`SELECT tviews.pg_tviews_refresh('comment')`);
      let comment = (await t.snippet('perf/refresh-stats')).rows.find((r) => r.entity === 'comment')!;
      assert.deepEqual([comment.full_refreshes, comment.rows_written, comment.rows_deleted, comment.refresh_ms], ['1', '0', '0', '0.0']);
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tb_comment`);
      await t.sql('TRUNCATE tb_comment');
      comment = (await t.snippet('perf/refresh-stats')).rows.find((r) => r.entity === 'comment')!;
      assert.equal(comment.full_refreshes, '2');
      assert.equal(comment.rows_deleted, String(n), "the TRUNCATE trigger emptied tv_comment and counted its rows");
      assert.ok(Number(comment.refresh_ms) > 0);
    });
  },
});
