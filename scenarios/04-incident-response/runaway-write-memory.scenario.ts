import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { defineScenario } from '../../src/verify/scenario.ts';
import { connectionAs, differingRows } from './helpers.ts';

/**
 * Memory pressure from one runaway write. A long UPDATE of every comment runs in the
 * application's session; incident/backend-memory (run on the database server) lists that
 * backend with its private memory and its statement; incident/cancel-statement cancels it
 * (57014): the statement and the TVIEW rows it wrote are rolled back and the session stays;
 * the same pid, now idle, is left alone. Then a superuser bounds what one statement of the
 * application's role may refresh (ALTER ROLE … SET pg_tviews.max_refresh_rows): its new
 * sessions get the limit, incident/memory-settings shows it, a statement above it fails with
 * 54000 and RESET lifts it.
 */
interface PgError {
  code?: string;
  message: string;
}

export default defineScenario({
  title: 'A runaway write is found by its memory, cancelled, and the role limited with max_refresh_rows',
  runbook: '04-incident-response/emergency-procedures',
  timeout: '2min',
  async run(t) {
    const role = `incident_app_${randomBytes(4).toString('hex')}`;
    await t.sql(`CREATE ROLE ${role} LOGIN PASSWORD 'incident'`);
    try {
      await t.sql(`GRANT SELECT, INSERT, UPDATE, DELETE ON tb_user, tb_post, tb_comment TO ${role}`);
      await t.sql(`CREATE FUNCTION slow_text(v text) RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT v FROM pg_sleep(0.004) $$`);
      const asRole = connectionAs(t.databaseUrl, role, 'incident');
      const pg = await import('pg');

      const app = await t.session('application');
      const runaway = app.query(`UPDATE tb_comment SET body = slow_text(body) || ' (runaway)'`).then(
        () => undefined,
        (error: PgError) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));

      await t.step('backend-memory lists the writing backend with its private memory and statement', async () => {
        const { output, exitCode } = await t.snippet('incident/backend-memory', { top: '50' });
        assert.equal(exitCode, 0);
        const line = output.split('\n').find((l) => l.split(/\s+/)[1] === String(app.pid));
        assert.ok(line, `pid ${app.pid} listed:\n${output}`);
        assert.match(line, /^\d+\.\d\s+\d+\s+client backend\s+\S+\s+postgres\s+active\s+\d+\s+UPDATE tb_comment/);
        assert.match(output, /total private memory of the \d+ processes read/);
      });

      await t.step('cancel-statement cancels it: 57014, nothing of it remains in tb_comment or tv_comment, the session lives', async () => {
        const { rows } = await t.snippet('incident/cancel-statement', { pid: String(app.pid) });
        assert.equal(rows.length, 1);
        assert.equal(rows[0].cancelled, 't');
        const error = (await runaway) as PgError | undefined;
        assert.equal(error?.code, '57014');
        assert.match(error?.message ?? '', /canceling statement due to user request/);
        const [{ tb, tv }] = await t.sql<{ tb: number; tv: number }>(
          `SELECT (SELECT count(*)::int FROM tb_comment WHERE body LIKE '% (runaway)') AS tb,
                  (SELECT count(*)::int FROM tv_comment WHERE data->>'body' LIKE '% (runaway)') AS tv`,
        );
        assert.deepEqual({ tb, tv }, { tb: 0, tv: 0 });
        await app.query('SELECT 1');
        const idle = await t.snippet('incident/cancel-statement', { pid: String(app.pid) });
        assert.deepEqual(idle.rows, [], 'an idle pid is left alone');
      });

      await t.step('ALTER ROLE … SET pg_tviews.max_refresh_rows limits the role\'s new sessions; memory-settings shows it', async () => {
        await t.sql(`ALTER ROLE ${role} SET pg_tviews.max_refresh_rows = 200`);
        const settings = await t.snippet('incident/memory-settings');
        assert.ok(settings.rows.some((r) => r.setting === 'pg_tviews.max_refresh_rows' && r.value === '200' && r.set_for === `role ${role}`), JSON.stringify(settings.rows));
        const client = new pg.default.Client(asRole);
        await client.connect();
        try {
          const { rows } = await client.query<{ v: string }>(`SELECT current_setting('pg_tviews.max_refresh_rows') AS v`);
          assert.equal(rows[0].v, '200', 'set by a superuser, it applies to a non-superuser role');
          await assert.rejects(client.query(`UPDATE tb_user SET name = name || '!' WHERE pk_user <= 50`), (error: PgError) => {
            assert.equal(error.code, '54000');
            assert.match(error.message, /max_refresh_rows = 200/);
            return true;
          });
          await assert.rejects(client.query(`SET pg_tviews.max_refresh_rows = 0`), (error: PgError) => error.code === '42501');
        } finally {
          await client.end();
        }
        await t.sql(`ALTER ROLE ${role} RESET pg_tviews.max_refresh_rows`);
        const client2 = new pg.default.Client(asRole);
        await client2.connect();
        try {
          await client2.query(`UPDATE tb_user SET name = name || '!' WHERE pk_user <= 50`);
        } finally {
          await client2.end();
        }
        assert.deepEqual(await differingRows(t), { comment: 0, post: 0, user: 0 });
      });
    } finally {
      await t.sql(`DROP OWNED BY ${role}`).catch(() => undefined);
      await t.sql(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    }
  },
});
