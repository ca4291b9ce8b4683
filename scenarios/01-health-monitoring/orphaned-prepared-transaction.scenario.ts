import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * A client prepared two transactions that renamed users, then died before finishing them.
 * pg_tviews wrote the TVIEW rows before PREPARE TRANSACTION, so they wait inside the prepared
 * transactions with their row locks and pg_tviews' value locks: other writes reaching those
 * rows, and rebuilds of the TVIEWs, wait too. Queue management must list both with their age,
 * the tb_ table and TVIEWs they hold and their value locks; committing one publishes its
 * TVIEW changes, rolling back the other leaves the TVIEWs as they were. Last, with
 * pg_tviews.publish_changes on, PREPARE TRANSACTION of a TVIEW change is refused (25000).
 */
interface PgError {
  code?: string;
  message: string;
}

export default defineScenario({
  title: 'Orphaned prepared transactions that touched tb_user are found, then committed or rolled back',
  runbook: '01-health-monitoring/queue-management',
  async run(t) {
    const [{ view }] = await t.sql<{ view: string }>(`SELECT view::text AS view FROM tviews.registry WHERE entity = 'post'`);

    await t.step('inject: two prepared transactions renaming users 7 and 8, left unfinished', async () => {
      const client = await t.session('client');
      for (const [pk, gid] of [[7, 'orphan-commit'], [8, 'orphan-rollback']] as const) {
        await client.query('BEGIN');
        await client.query(`UPDATE tb_user SET name = $1 WHERE pk_user = $2`, [`Renamed by ${gid}`, pk]);
        await client.query(`PREPARE TRANSACTION '${gid}'`);
      }
      await client.end();
    });

    await t.step('diagnose: both are listed, with an age, tb_user among the tables they wrote and value locks', async () => {
      const { rows } = await t.snippet('queue/prepared-transactions');
      const ours = rows.filter((r) => r.gid?.startsWith('orphan-'));
      assert.deepEqual(ours.map((r) => r.gid), ['orphan-commit', 'orphan-rollback']);
      for (const row of ours) {
        assert.match(row.age ?? '', /^\d{2}:\d{2}:\d{2}$/);
        assert.match(row.tables_written ?? '', /\btb_user\b/);
        assert.match(row.tables_written ?? '', /\btv_post\b/, 'the TVIEW rows were written before PREPARE');
        assert.equal(row.tviews_affected, 'tv_comment, tv_post, tv_user', 'tb_user feeds all three TVIEWs');
        assert.ok(Number(row.value_locks) > 0, `pg_tviews' value locks are held: ${row.value_locks}`);
      }
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tv_post WHERE data->'author'->>'name' LIKE 'Renamed by%'`);
      assert.equal(n, 0, 'the prepared changes must not be visible yet');
    });

    await t.step('diagnose: writes reaching the held rows and a rebuild of an affected TVIEW wait for them', async () => {
      await t.sql(`SET lock_timeout = '1s'`);
      try {
        const [{ post }] = await t.sql<{ post: number }>(`SELECT min(pk_post)::int AS post FROM tb_post WHERE fk_user = 7`);
        await assert.rejects(t.sql(`UPDATE tb_post SET title = title || '.' WHERE pk_post = $1`, [post]), /lock timeout/);
        await assert.rejects(t.sql(`INSERT INTO tb_comment (fk_post, fk_user, body) VALUES ($1, 1, 'waits')`, [post]), /lock timeout/);
        await assert.rejects(t.sql(`SELECT tviews.pg_tviews_refresh('user')`), /lock timeout/);
        // A write that reaches none of the held rows goes through.
        await t.sql(`UPDATE tb_user SET name = 'Unrelated rename' WHERE pk_user = 9`);
      } finally {
        await t.sql('RESET lock_timeout');
      }
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

    await t.step('remedy 1: COMMIT PREPARED publishes the rename in tv_post and tv_comment, equal to the view', async () => {
      await t.snippet('queue/commit-prepared', { gid: 'orphan-commit' });
      const [{ tv, v, comments }] = await t.sql<{ tv: number; v: number; comments: number }>(
        `SELECT (SELECT count(*)::int FROM tv_post WHERE data->'author'->>'name' = 'Renamed by orphan-commit') AS tv,
                (SELECT count(*)::int FROM ${view} WHERE data->'author'->>'name' = 'Renamed by orphan-commit') AS v,
                (SELECT count(*)::int FROM tv_comment WHERE data->'post'->'author'->>'name' = 'Renamed by orphan-commit') AS comments`,
      );
      assert.ok(tv > 0);
      assert.equal(tv, v);
      assert.ok(comments > 0, 'the rename reached the comments embedding those posts');
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

    await t.step('with pg_tviews.publish_changes on, PREPARE TRANSACTION of a TVIEW change is refused (25000) and rolled back', async () => {
      const client = await t.session('publishing-client');
      await client.query(`SET pg_tviews.publish_changes = 'rows'`);
      await client.query('BEGIN');
      await client.query(`UPDATE tb_user SET name = 'Published rename' WHERE pk_user = 10`);
      await assert.rejects(client.query(`PREPARE TRANSACTION 'refused-publish'`), (error: PgError) => {
        assert.equal(error.code, '25000');
        assert.match(error.message, /^cannot PREPARE TRANSACTION: it changed TVIEW rows while pg_tviews\.publish_changes is on/);
        return true;
      });
      await client.end();
      const { rows } = await t.snippet('queue/prepared-transactions');
      assert.deepEqual(rows.filter((r) => r.gid === 'refused-publish'), [], 'nothing was prepared');
      const [{ name }] = await t.sql<{ name: string }>(`SELECT name FROM tb_user WHERE pk_user = 10`);
      assert.notEqual(name, 'Published rename');
    });
  },
});
