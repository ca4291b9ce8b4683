import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * A bulk load gives post 7 twenty thousand comments (triggers off, as a migration does), and a
 * full refresh of comment brings them into tv_comment. The refresh empties and refills the
 * table: reltuples is -1 and the column statistics still describe the old rows, in which
 * post 7 had two comments. Until ANALYZE, the planner expects a handful of rows for
 * fk_post = 7 and reads them through the index, pg_tviews_profile() has no row estimate and
 * no fan-out, and the vacuum-status step says ANALYZE. After the table-analysis runbook's
 * ANALYZE the estimate matches the rows and the plan changes to a sequential scan.
 * autovacuum is switched off for tv_comment first: it would otherwise analyze the table on
 * its own within a minute (autovacuum_naptime), at a moment the scenario cannot predict.
 */

/** Expected and actual rows of the top plan node, from EXPLAIN ANALYZE's text. */
function estimate(plan: string): { node: string; expected: number; actual: number } {
  const top = plan.split('\n')[0];
  const match = /^\s*(?:->\s*)?([A-Za-z ]+?) (?:on|using) .*\(cost=[\d.]+\.\.[\d.]+ rows=(\d+) width=\d+\) \(actual rows=([\d.]+) loops=\d+\)/.exec(top);
  assert.ok(match, `no estimate in: ${top}`);
  return { node: match[1], expected: Number(match[2]), actual: Number(match[3]) };
}

export default defineScenario({
  title: 'Stale statistics after a full refresh: the planner expects a few rows where there are 20,000 until ANALYZE, which changes the plan',
  runbook: '03-maintenance/table-analysis',
  timeout: '2min',
  async run(t) {
    const lookup = { schema: 'public', table: 'tv_comment', column: 'fk_post', value: '7' };
    const plan = async () => (await t.snippet('maintenance/explain-lookup', lookup)).rows.map((r) => r['QUERY PLAN']).join('\n');
    const status = async () => (await t.snippet('maintenance/vacuum-status')).rows.find((r) => r.table_name === 'tv_comment')!;

    let fixtureComments = 0;
    await t.step('setup: autovacuum off for tv_comment, so that only the runbook analyzes it', async () => {
      await t.sql(`ALTER TABLE tv_comment SET (autovacuum_enabled = off)`);
      const before = estimate(await plan());
      assert.ok(before.expected < 10 && before.actual < 10, `post 7 has a few comments: ${JSON.stringify(before)}`);
      fixtureComments = before.actual;
    });

    await t.step('inject: 20,000 comments for post 7 loaded with the triggers off, then a full refresh of comment', async () => {
      await t.sql(`ALTER TABLE tb_comment DISABLE TRIGGER USER`);
      await t.sql(`INSERT INTO tb_comment (fk_post, fk_user, body) SELECT 7, 1 + g % 1000, 'bulk ' || g FROM generate_series(1, 20000) AS g`);
      await t.sql(`ALTER TABLE tb_comment ENABLE TRIGGER USER`);
      await t.sql(`SELECT tviews.pg_tviews_refresh('comment')`);
      // The refresh's row counts reach pg_stat_all_tables when this session flushes its
      // statistics (at most once a second): flush them now, so that the ANALYZE below is the
      // last word, as it is on a server a moment later.
      await t.sql(`SELECT pg_stat_force_next_flush()`);
      await t.sql(`SELECT 1`);
    });

    await t.step('diagnose: no statistics since the refresh, the planner expects a handful of rows, pg_tviews_profile has no estimate', async () => {
      const row = await status();
      assert.equal(row.planner_rows, '-1');
      assert.equal(row.needs, 'ANALYZE: no statistics since the table was last filled (full refresh or creation)');
      assert.equal(row.autovacuum, 'f');
      const stale = estimate(await plan());
      assert.equal(stale.actual, 20000 + fixtureComments);
      assert.ok(stale.expected * 100 < stale.actual, `expected ${stale.expected} rows, found ${stale.actual}`);
      assert.match(stale.node, /Index|Bitmap/, 'the few expected rows are read through the index');
      const [profile] = await t.sql<{ rows_estimate: string | null; fanout: unknown }>(`SELECT rows_estimate, fanout FROM tviews.pg_tviews_profile('comment')`);
      assert.deepEqual(profile, { rows_estimate: null, fanout: null });
      const sizes = (await t.snippet('perf/tview-sizes')).rows.find((r) => r.entity === 'comment')!;
      assert.equal(sizes.estimated_rows, '0');
    });

    await t.step('fix: ANALYZE tv_comment; the planner now knows post 7 holds most of the table', async () => {
      const { rows } = await t.snippet('maintenance/analyze-tview', { schema: 'public', table: 'tv_comment' });
      const fkPost = rows.find((r) => r.column_name === 'fk_post')!;
      assert.equal(fkPost.most_common_value, '7');
      assert.ok(Number(fkPost.most_common_share) > 0.7, `share of post 7: ${fkPost.most_common_share}`);
      assert.equal(fkPost.planner_rows, '25000');
    });

    await t.step('verify: the estimate matches the rows and the plan changed; status OK; pg_tviews_profile sees the fan-out', async () => {
      const fresh = estimate(await plan());
      assert.ok(Math.abs(fresh.expected - fresh.actual) < fresh.actual * 0.1, `expected ${fresh.expected}, found ${fresh.actual}`);
      assert.equal(fresh.node, 'Seq Scan', 'reading most of the table, the planner reads all of it');
      const row = await status();
      assert.equal(row.planner_rows, '25000');
      assert.equal(row.needs, 'autovacuum off for this table: vacuum and analyze it yourself');
      const [profile] = await t.sql<{ rows_estimate: string; max_fanout: string }>(`SELECT rows_estimate::text, (fanout->'fk_post'->>'max') AS max_fanout FROM tviews.pg_tviews_profile('comment')`);
      assert.equal(profile.rows_estimate, '25000');
      assert.ok(Number(profile.max_fanout) > 15000, `the largest fan-out through fk_post: ${profile.max_fanout}`);
      await t.sql(`ALTER TABLE tv_comment RESET (autovacuum_enabled)`);
      assert.equal((await status()).needs, 'OK');
    });
  },
});
