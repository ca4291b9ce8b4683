import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { defineScenario } from '../../src/verify/scenario.ts';
import { connectionAs, differingRows } from './helpers.ts';

/**
 * A loader role was given session_replication_role = replica in this database ("to turn
 * pg_tviews off" for a load) and never reset. Its sessions write without maintaining any
 * TVIEW and without checking foreign keys, and pg_tviews' health check sees nothing wrong.
 * incident/switch-state names the setting; incident/reset-replica-role removes it; the
 * loader's session connected before keeps replica until incident/end-sessions-before ends
 * it; a new session is maintained and checked again; a refresh of every TVIEW repairs the
 * TVIEWs, and the orphan row the load wrote is still there for its owners to fix.
 */
interface PgError {
  code?: string;
  message: string;
}

export default defineScenario({
  title: 'session_replication_role = replica left on a role is found, reset, and the TVIEWs repaired',
  runbook: '04-incident-response/emergency-procedures',
  timeout: '2min',
  async run(t) {
    const role = `incident_loader_${randomBytes(4).toString('hex')}`;
    const [{ db }] = await t.sql<{ db: string }>('SELECT current_database() AS db');
    await t.sql(`CREATE ROLE ${role} LOGIN PASSWORD 'incident'`);
    const clients: pg.Client[] = [];
    const connect = async () => {
      const client = new pg.Client(connectionAs(t.databaseUrl, role, 'incident'));
      client.on('error', () => undefined);
      await client.connect();
      clients.push(client);
      return client;
    };
    try {
      await t.sql(`GRANT SELECT, INSERT, UPDATE, DELETE ON tb_user, tb_post, tb_comment TO ${role}`);
      await t.sql(`ALTER ROLE ${role} IN DATABASE "${db}" SET session_replication_role = replica`);
      const loader = await connect();

      await t.step('inject: the loader writes; no TVIEW follows, a comment on a missing post is accepted, the health check sees nothing', async () => {
        const { rows } = await loader.query<{ v: string }>(`SELECT current_setting('session_replication_role') AS v`);
        assert.equal(rows[0].v, 'replica');
        await loader.query(`UPDATE tb_post SET title = 'loaded in replica mode' WHERE pk_post = 4`);
        await loader.query(`INSERT INTO tb_comment (fk_post, fk_user, body) VALUES (999999, 1, 'orphan from the load')`);
        const [{ title }] = await t.sql<{ title: string }>(`SELECT data->>'title' AS title FROM tv_post WHERE pk_post = 4`);
        assert.notEqual(title, 'loaded in replica mode');
        const health = await t.snippet('health/health-check');
        assert.ok(health.rows.every((r) => r.status === 'OK' || r.component === 'jsonb_delta'), JSON.stringify(health.rows));
      });

      await t.step('switch-state names the setting; every TVIEW\'s triggers are still enabled', async () => {
        const { rows, results } = await t.snippet('incident/switch-state');
        assert.deepEqual(results[0].rows.map((r) => r[1]), ['yes', 'yes', 'yes']);
        assert.deepEqual(rows, [{
          switch: 'session_replication_role', value: 'replica', set_for: `role ${role} in database ${db}`,
          effect: 'new sessions skip every TVIEW (and foreign keys) silently',
        }]);
      });

      let resetAt = '';
      await t.step('reset-replica-role removes it, and prints how to set it again', async () => {
        const { rows } = await t.snippet('incident/reset-replica-role');
        assert.equal(rows.length, 1);
        const [{ expected }] = await t.sql<{ expected: string }>(
          `SELECT format('ALTER ROLE %I IN DATABASE %I RESET session_replication_role', $1::text, current_database()) AS expected`, [role]);
        assert.equal(rows[0].statement, expected);
        assert.equal(rows[0].still_set, 'f');
        resetAt = rows[0].reset_at!;
        const again = await t.snippet('incident/reset-replica-role');
        assert.deepEqual(again.rows, []);
      });

      await t.step('the loader\'s session connected before keeps replica until it is ended', async () => {
        const { rows } = await loader.query<{ v: string }>(`SELECT current_setting('session_replication_role') AS v`);
        assert.equal(rows[0].v, 'replica');
        const ended = await t.snippet('incident/end-sessions-before', { connected_before: resetAt });
        assert.ok(ended.rows.some((r) => r.usename === role && r.terminated === 't'), JSON.stringify(ended.rows));
      });

      await t.step('a new loader session is maintained and checked again; a refresh of every TVIEW repairs them; the orphan stays', async () => {
        const fresh = await connect();
        await fresh.query(`UPDATE tb_post SET title = 'loaded after the reset' WHERE pk_post = 5`);
        await assert.rejects(fresh.query(`INSERT INTO tb_comment (fk_post, fk_user, body) VALUES (999999, 1, 'refused')`), (error: PgError) => error.code === '23503');
        const checker = await t.session('checker');
        const [{ title }] = await checker.query<{ title: string }>(`SELECT data->>'title' AS title FROM tv_post WHERE pk_post = 5`);
        assert.equal(title, 'loaded after the reset');
        const q = <R extends Record<string, unknown>>(text: string, values?: unknown[]) => checker.query<R>(text, values);
        const stale = await differingRows(t, q);
        assert.ok(stale.post > 0 && stale.comment > 0, JSON.stringify(stale));
        const { rows } = await t.snippet('refresh/refresh-batch', { only: '*', pause: '0' });
        assert.ok(rows.every((r) => r.outcome === 'refreshed'), JSON.stringify(rows));
        assert.deepEqual(await differingRows(t, q), { comment: 0, post: 0, user: 0 });
        const [{ orphans }] = await checker.query<{ orphans: number }>(
          `SELECT count(*)::int AS orphans FROM tb_comment c WHERE NOT EXISTS (SELECT 1 FROM tb_post p WHERE p.pk_post = c.fk_post)`,
        );
        assert.equal(orphans, 1, 'the row written without foreign keys is still there');
      });
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      const cleanup = await t.session('cleanup').catch(() => undefined);
      if (cleanup) {
        await cleanup.query(`DROP OWNED BY ${role}`).catch(() => undefined);
        await cleanup.query(`ALTER ROLE ${role} IN DATABASE "${db}" RESET ALL`).catch(() => undefined);
        await cleanup.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      }
    }
  },
});
