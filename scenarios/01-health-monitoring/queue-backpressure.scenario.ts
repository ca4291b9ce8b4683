import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * pg_tviews refuses a statement that would queue more refreshes than
 * pg_tviews.max_queue_size (54000), and a commit that still has refresh work queued (55000).
 *
 * Backpressure: the limit is per statement, and since pg_tviews 0.1.0-beta.28 a superuser's
 * setting (default 1,000,000). A superuser lowers it to 100 for the loader's session so the
 * small fixture can reach it; the loader then works as an ordinary role. The runbook's two
 * ways out must both work and leave the TVIEW equal to its view: split the write into
 * smaller statements (no privilege needed), or let the loader raise the limit for one
 * transaction (which it may only once a superuser grants it SET on the parameter).
 *
 * The other per-statement limit, pg_tviews.max_refresh_rows (0 = none by default), refuses a
 * refresh that would write more TVIEW rows, naming the TVIEW.
 *
 * Unflushed work: with a TVIEW's flush trigger disabled, its keys stay queued after the
 * statement; an autocommit write then fails with 55000, while an explicit COMMIT or PREPARE
 * TRANSACTION applies them. Enabling the trigger again ends it.
 */
interface PgError {
  code?: string;
  message: string;
}

function sqlstate(code: string, message: RegExp) {
  return (error: PgError) => {
    assert.equal(error.code, code, `SQLSTATE ${code}: ${error.message}`);
    assert.match(error.message, message);
    return true;
  };
}

export default defineScenario({
  title: 'Writes refused by the refresh queue (backpressure 54000, unflushed work at commit 55000) are resolved and the TVIEWs stay consistent',
  runbook: '01-health-monitoring/queue-management',
  async run(t) {
    const [{ view }] = await t.sql<{ view: string }>(`SELECT view::text AS view FROM tviews.registry WHERE entity = 'comment'`);
    const drift = `SELECT count(*)::int AS n FROM ${view} v FULL JOIN tv_comment t USING (pk_comment) WHERE v.data IS DISTINCT FROM t.data`;
    const role = `pgtv_loader_${process.pid}_${Date.now() % 100000}`;
    await t.sql(`CREATE ROLE ${role} NOLOGIN`);
    await t.sql(`GRANT USAGE ON SCHEMA tviews TO ${role}`);
    await t.sql(`GRANT SELECT, INSERT, UPDATE ON tb_comment TO ${role}`);
    await t.sql(`GRANT SELECT ON tv_comment TO ${role}`);
    const loader = await t.session('loader');
    try {
      // What a superuser does for the test; the loader works as the ordinary role from here.
      await loader.query('SET pg_tviews.max_queue_size = 100');
      await loader.query(`SET ROLE ${role}`);

      await t.step('inject: one statement changing 150 comments is refused (54000) and rolled back', async () => {
        await assert.rejects(
          loader.query(`UPDATE tb_comment SET body = body || ' (bulk)' WHERE pk_comment <= 150`),
          sqlstate('54000', /^refresh queue backpressure: queue size \(100\) would exceed max_queue_size \(100\)$/),
        );
        const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tb_comment WHERE body LIKE '% (bulk)'`);
        assert.equal(n, 0, 'the source rows were rolled back with it');
        assert.equal((await t.sql<{ n: number }>(drift))[0].n, 0);
      });

      await t.step('the limit counts keys: an UPDATE fails from max_queue_size rows on, an INSERT only above it', async () => {
        for (const [statement, ok] of [
          [`UPDATE tb_comment SET body = body || ' (edge)' WHERE pk_comment <= 99`, true],
          [`UPDATE tb_comment SET body = body || ' (edge)' WHERE pk_comment <= 100`, false],
          [`INSERT INTO tb_comment (fk_post, fk_user, body) SELECT 1, 1, 'edge ' || g FROM generate_series(1, 100) g`, true],
          [`INSERT INTO tb_comment (fk_post, fk_user, body) SELECT 1, 1, 'edge ' || g FROM generate_series(1, 101) g`, false],
        ] as const) {
          await loader.query('BEGIN');
          if (ok) await loader.query(statement);
          else await assert.rejects(loader.query(statement), sqlstate('54000', /refresh queue backpressure/), statement);
          await loader.query('ROLLBACK');
        }
      });

      await t.step('diagnose: the settings show the limit, its default and that only a superuser may change it', async () => {
        const { rows } = await t.snippet('queue/queue-settings');
        const limit = rows.find((r) => r.setting === 'pg_tviews.max_queue_size')!;
        assert.equal(limit.value, '1000000', "the server default (only the loader's session was lowered)");
        assert.equal(limit.default_value, '1000000');
        assert.equal(limit.you_may_set, 'yes', 'the runbook is run as a superuser here');
        assert.match(limit.meaning ?? '', /one statement/);
        assert.equal(rows.find((r) => r.setting === 'suspended (this transaction)')?.value, 'false');
        // The loader itself may not raise it.
        await loader.query('BEGIN');
        await assert.rejects(
          loader.query('SET LOCAL pg_tviews.max_queue_size = 1000'),
          sqlstate('42501', /permission denied to set parameter "pg_tviews.max_queue_size"/),
        );
        await loader.query('ROLLBACK');
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

      await t.step('remedy 2: once granted SET on the parameter, the loader raises it for one transaction', async () => {
        await t.sql(`GRANT SET ON PARAMETER pg_tviews.max_queue_size TO ${role}`);
        await loader.query('BEGIN');
        await loader.query('SET LOCAL pg_tviews.max_queue_size = 1000');
        await loader.query(`UPDATE tb_comment SET body = body || ' (again)' WHERE pk_comment <= 150`);
        await loader.query('COMMIT');
        const [{ limit }] = await loader.query<{ limit: string }>(`SELECT current_setting('pg_tviews.max_queue_size') AS limit`);
        assert.equal(limit, '100', 'back to the session value after the transaction');
        const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tv_comment WHERE data->>'body' LIKE '% (again)'`);
        assert.equal(n, 150);
        // The rollback of the grant, as the runbook says.
        await t.sql(`REVOKE SET ON PARAMETER pg_tviews.max_queue_size FROM ${role}`);
        await loader.query('BEGIN');
        await assert.rejects(loader.query('SET LOCAL pg_tviews.max_queue_size = 1000'), sqlstate('42501', /permission denied/));
        await loader.query('ROLLBACK');
      });

      await t.step('the other per-statement limit, max_refresh_rows, refuses a refresh writing too many rows (54000, naming the TVIEW)', async () => {
        await loader.query('RESET ROLE');
        await loader.query('SET pg_tviews.max_refresh_rows = 10');
        await loader.query(`SET ROLE ${role}`);
        await assert.rejects(
          loader.query(`UPDATE tb_comment SET body = body || ' (rows)' WHERE pk_comment <= 20`),
          sqlstate('54000', /refreshing public\.tv_comment by key would write 20 rows in one statement \(max_refresh_rows = 10\)/),
        );
        await loader.query(`UPDATE tb_comment SET body = body || ' (rows)' WHERE pk_comment <= 10`);
        await loader.query('RESET ROLE');
        await loader.query('RESET pg_tviews.max_refresh_rows');
        await loader.query(`SET ROLE ${role}`);
        assert.equal((await t.sql<{ n: number }>(drift))[0].n, 0);
      });

      await t.step('inject: a disabled flush trigger leaves keys queued; an autocommit write then fails at commit (55000)', async () => {
        await t.sql('ALTER TABLE tb_comment DISABLE TRIGGER trg_tview_flush_comment_on_public_tb_comment');
        await assert.rejects(
          loader.query(`UPDATE tb_comment SET body = 'never committed' WHERE pk_comment = 200`),
          sqlstate('55000', /cannot commit with 1 queued refreshes for \{"comment"\}: they were never applied \(missing flush trigger\?\)/),
        );
        const [{ body }] = await t.sql<{ body: string }>(`SELECT body FROM tb_comment WHERE pk_comment = 200`);
        assert.notEqual(body, 'never committed', 'the write was rolled back');
      });

      await t.step('diagnose: inside a transaction the session sees its keys queued between statements', async () => {
        await loader.query('BEGIN');
        await loader.query(`UPDATE tb_comment SET body = 'explicit commit' WHERE pk_comment IN (201, 202)`);
        const [stats] = await loader.query<{ queue_size: string; keys: string }>(
          `SELECT tviews.pg_tviews_queue_stats()->>'queue_size' AS queue_size, tviews.pg_tviews_debug_queue()::text AS keys`,
        );
        assert.equal(stats.queue_size, '2');
        assert.match(stats.keys, /"entity": "comment"/);
        // An explicit COMMIT applies the queue.
        await loader.query('COMMIT');
        const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tv_comment WHERE data->>'body' = 'explicit commit'`);
        assert.equal(n, 2);
        // So does PREPARE TRANSACTION: the prepared transaction carries the TVIEW change.
        await loader.query('BEGIN');
        await loader.query(`UPDATE tb_comment SET body = 'prepared' WHERE pk_comment = 203`);
        await loader.query(`PREPARE TRANSACTION '${role}'`);
        await t.snippet('queue/commit-prepared', { gid: role });
        const [{ body }] = await t.sql<{ body: string }>(`SELECT data->>'body' AS body FROM tv_comment WHERE pk_comment = 203`);
        assert.equal(body, 'prepared');
        const health = await t.snippet('health/health-check');
        const triggers = health.rows.find((r) => r.component === 'triggers');
        assert.equal(triggers?.status, 'ERROR');
        assert.match(triggers?.message ?? '', /1 disabled trigger .*trg_tview_flush_comment_on_public_tb_comment/);
      });

      await t.step('remedy 3: enabling the trigger again (TVIEW health check) lets autocommit writes through', async () => {
        await t.snippet('health/enable-tview-triggers', { entity: 'comment' });
        await loader.query(`UPDATE tb_comment SET body = 'autocommit again' WHERE pk_comment = 200`);
        const [{ body }] = await t.sql<{ body: string }>(`SELECT data->>'body' AS body FROM tv_comment WHERE pk_comment = 200`);
        assert.equal(body, 'autocommit again');
      });

      await t.step('verify: every TVIEW equals its view', async () => {
        const { rows } = await t.snippet('health/tview-status');
        assert.deepEqual(rows.map((r) => `${r.entity}:${r.status}:${r.differing_rows}`), ['comment:OK:0', 'post:OK:0', 'user:OK:0']);
      });
    } finally {
      await loader.end();
      const left = await t.sql(`SELECT 1 FROM pg_prepared_xacts WHERE gid = $1`, [role]);
      if (left.length > 0) await t.sql(`ROLLBACK PREPARED '${role}'`);
      await t.sql(`DROP OWNED BY ${role}`);
      await t.sql(`DROP ROLE ${role}`);
    }
  },
});
