import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * pg_tviews refuses a statement that would queue more refreshes than
 * pg_tviews.max_queue_size. The limit is per statement: the runbook's two ways out (split
 * the write into smaller statements in one transaction, or SET LOCAL a higher limit) must
 * both work and leave the TVIEW equal to its view. The limit is lowered to 100 here so the
 * small fixture can hit it.
 */
const drift = `SELECT count(*)::int AS n FROM v_comment v FULL JOIN tv_comment t USING (pk_comment) WHERE v.data IS DISTINCT FROM t.data`;

export default defineScenario({
  title: 'A write refused by refresh queue backpressure is split, or run with a higher limit, and the TVIEW stays consistent',
  runbook: '01-health-monitoring/queue-management',
  async run(t) {
    const loader = await t.session('loader');
    await loader.query('SET pg_tviews.max_queue_size = 100');

    await t.step('inject: one statement changing 150 comments is refused and rolled back', async () => {
      await assert.rejects(
        loader.query(`UPDATE tb_comment SET body = body || ' (bulk)' WHERE pk_comment <= 150`),
        /refresh queue backpressure: queue size \(100\) would exceed max_queue_size \(100\)/,
      );
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tb_comment WHERE body LIKE '% (bulk)'`);
      assert.equal(n, 0, 'the source rows were rolled back with it');
      assert.equal((await t.sql<{ n: number }>(drift))[0].n, 0);
    });

    await t.step('diagnose: the settings show the limit and its meaning', async () => {
      const { rows } = await t.snippet('queue/queue-settings');
      const limit = rows.find((r) => r.setting === 'pg_tviews.max_queue_size')!;
      assert.equal(limit.value, '10000', "the server default (the loader lowered only its own session's)");
      assert.match(limit.meaning ?? '', /one statement/);
      assert.equal(rows.find((r) => r.setting === 'pg_tviews.suspend_triggers (this session)')?.value, 'off');
      assert.equal(rows.find((r) => r.setting === 'suspended (this transaction)')?.value, 'false');
    });

    await t.step('remedy 1: the same change as two statements of 75 rows in one transaction succeeds', async () => {
      await loader.query('BEGIN');
      await loader.query(`UPDATE tb_comment SET body = body || ' (bulk)' WHERE pk_comment <= 75`);
      await loader.query(`UPDATE tb_comment SET body = body || ' (bulk)' WHERE pk_comment > 75 AND pk_comment <= 150`);
      await loader.query('COMMIT');
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tv_comment WHERE data->>'body' LIKE '% (bulk)'`);
      assert.equal(n, 150);
      assert.equal((await t.sql<{ n: number }>(drift))[0].n, 0);
    });

    await t.step('remedy 2: SET LOCAL a higher limit lets one 150-row statement through, for that transaction only', async () => {
      await loader.query('BEGIN');
      await loader.query('SET LOCAL pg_tviews.max_queue_size = 1000');
      await loader.query(`UPDATE tb_comment SET body = body || ' (again)' WHERE pk_comment <= 150`);
      await loader.query('COMMIT');
      const [{ limit }] = await loader.query<{ limit: string }>(`SELECT current_setting('pg_tviews.max_queue_size') AS limit`);
      assert.equal(limit, '100', 'back to the session value after the transaction');
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tv_comment WHERE data->>'body' LIKE '% (again)'`);
      assert.equal(n, 150);
    });

    await t.step('verify: tv_comment equals v_comment', async () => {
      const { rows } = await t.snippet('health/tview-status');
      assert.deepEqual(rows.map((r) => `${r.entity}:${r.status}:${r.differing_rows}`), ['comment:OK:0', 'post:OK:0', 'user:OK:0']);
    });
  },
});
