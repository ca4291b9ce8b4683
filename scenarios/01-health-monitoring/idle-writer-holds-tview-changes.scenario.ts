import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * A client renamed a post and then stopped, leaving its transaction open ("idle in
 * transaction"). pg_tviews has already written tv_post and tv_comment inside that
 * transaction, so the rename is invisible to everyone else and those rows stay locked.
 * Nothing pg_tviews offers another session shows it: its queue functions describe only the
 * caller's transaction, and tviews.stats counts a transaction's refreshes when it ends.
 * Queue management must show the session and the TVIEWs it wrote, the monitor must warn,
 * and ending the session must roll back source and TVIEW changes together.
 */
export default defineScenario({
  title: 'An idle transaction holding uncommitted TVIEW writes is found, flagged by the monitor and ended cleanly',
  runbook: '01-health-monitoring/queue-management',
  async run(t) {
    const app = await t.session('app');
    const [{ title: before }] = await t.sql<{ title: string }>(`SELECT data->>'title' AS title FROM tv_post WHERE pk_post = 3`);
    const postRowsWritten = async () => (await t.snippet('perf/refresh-stats')).rows.find((r) => r.entity === 'post')!.rows_written;
    const postWrittenBefore = await postRowsWritten();

    await t.step('inject: a session renames post 3 and leaves its transaction open', async () => {
      await app.query('BEGIN');
      await app.query(`UPDATE tb_post SET title = 'Renamed, never committed' WHERE pk_post = 3`);
      const [{ title }] = await app.query<{ title: string }>(`SELECT data->>'title' AS title FROM tv_post WHERE pk_post = 3`);
      assert.equal(title, 'Renamed, never committed', 'pg_tviews wrote the TVIEW inside the open transaction');
      const [{ queue_size }] = await app.query<{ queue_size: string }>(`SELECT tviews.pg_tviews_queue_stats()->>'queue_size' AS queue_size`);
      assert.equal(queue_size, '0', 'the queue was applied at the end of the statement');
    });

    await t.step("nobody else sees the change: not in tv_post, not in another session's queue, not yet in tviews.stats", async () => {
      const [{ title }] = await t.sql<{ title: string }>(`SELECT data->>'title' AS title FROM tv_post WHERE pk_post = 3`);
      assert.equal(title, before);
      const queue = await t.snippet('queue/session-queue');
      assert.equal(queue.rows[0].queue_size, '0');
      assert.equal(queue.rows[0].total_refreshes, '0', "the snippet's own session refreshed nothing");
      const stats = await t.snippet('perf/refresh-stats');
      const post = stats.rows.find((r) => r.entity === 'post')!;
      assert.equal(post.rows_written, postWrittenBefore, "tviews.stats adds a transaction's refreshes when it ends");
    });

    await t.step('diagnose: the session is listed idle in transaction with the TVIEWs it wrote', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const { rows } = await t.snippet('queue/open-write-transactions');
      assert.equal(rows.length, 1);
      const [row] = rows;
      assert.equal(row.pid, String(app.pid));
      assert.equal(row.state, 'idle in transaction');
      assert.match(row.idle_for ?? '', /^00:00:0[1-9]$/);
      assert.equal(row.source_tables_written, 'tb_post');
      assert.equal(row.tviews_written, 'tv_comment, tv_post');
      const activity = await t.snippet('health/tview-activity');
      assert.ok(activity.rows.some((r) => r.pid === String(app.pid) && /tv_post RowExclusiveLock/.test(r.relations ?? '')));
    });

    await t.step('diagnose: the monitor warns with a 1 s threshold and is OK with the default 300 s', async () => {
      const warned = await t.snippet('scripts/tview-monitor', { xact_warn: '1' }, { allowError: true });
      assert.equal(warned.exitCode, 1);
      assert.match(warned.output, /status=WARNING .*open_writers=1 /);
      assert.match(warned.output, /transaction holding TVIEW writes open \d+s >= 1s/);
      const calm = await t.snippet('scripts/tview-monitor');
      assert.equal(calm.exitCode, 0);
    });

    await t.step('remedy: the end-session snippet leaves a non-writer alone, then ends the idle writer', async () => {
      const bystander = await t.session('bystander');
      const skipped = await t.snippet('queue/end-writer-session', { pid: String(bystander.pid) });
      assert.deepEqual(skipped.rows, []);
      const { rows } = await t.snippet('queue/end-writer-session', { pid: String(app.pid) });
      assert.equal(rows.length, 1);
      assert.equal(rows[0].terminated, 't');
      assert.equal(rows[0].state, 'idle in transaction');
    });

    await t.step('verify: source and TVIEW changes were rolled back together; nothing is left open', async () => {
      for (let i = 0; i < 50; i++) {
        const left = await t.sql(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [app.pid]);
        if (left.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const { rows } = await t.snippet('queue/open-write-transactions');
      assert.deepEqual(rows, []);
      const [{ tb, tv }] = await t.sql<{ tb: string; tv: string }>(
        `SELECT (SELECT title FROM tb_post WHERE pk_post = 3) AS tb, (SELECT data->>'title' FROM tv_post WHERE pk_post = 3) AS tv`,
      );
      assert.equal(tv, before);
      assert.equal(tb, before);
      const sample = await t.snippet('health/tview-drift-sample', { sample_rows: '100000' });
      assert.deepEqual(sample.rows.map((r) => r.status), ['OK', 'OK', 'OK']);
      // The rolled-back refresh still counts: tviews.stats measures work done, not work kept.
      assert.equal(Number(await postRowsWritten()), Number(postWrittenBefore) + 1);
    });
  },
});
