import assert from 'node:assert/strict';
import pg from 'pg';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * On a server of the scenario's own (the target's PostgreSQL and pg_tviews, the fixture in
 * pgtv_fixture): an application role fills every ordinary connection slot, some of its
 * sessions idle in transactions that hold TVIEW changes. The connection-management runbook
 * must show the limits (per role, per database, server-wide), the server full for ordinary
 * roles, let an operations role in through the reserved_connections slots once it is granted
 * pg_use_reserved_connections, end the stale sessions from there, and get the application
 * connecting again with every TVIEW equal to its view. When even the superusers' slots are
 * taken, nothing can connect, and the way in is a SIGTERM to one backend from the database
 * host, which the server handles like pg_terminate_backend.
 */
interface Refusal {
  code?: string;
  message: string;
}

export default defineScenario({
  title: 'Connection limits reached and recovered: per-role and per-database limits, a full server entered through the reserved slots, stale sessions ended, and a SIGTERM from the host when even superusers are refused',
  runbook: '03-maintenance/connection-management',
  timeout: '5min',
  async run(t) {
    const server = await t.cluster({ pgTviewsVersion: t.target.pgTviewsVersion });
    const as = (role: string) => {
      const url = new URL(server.databaseUrl);
      url.username = role;
      url.password = `${role}-secret`;
      return url.toString();
    };
    const clients: pg.Client[] = [];
    const open = async (url: string): Promise<pg.Client> => {
      const client = new pg.Client({ connectionString: url, application_name: 'app-pool' });
      client.on('error', () => undefined);
      await client.connect();
      clients.push(client);
      return client;
    };
    const refused = async (url: string): Promise<Refusal> => {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error) {
        return error as Refusal;
      }
      await client.end();
      assert.fail('the connection was accepted');
    };
    /** Opens connections to `url` until the server refuses one, `limit` at the most: the refusal, and those it opened. */
    const openUntilRefused = async (url: string, limit: number): Promise<{ refusal?: Refusal; opened: pg.Client[] }> => {
      const opened: pg.Client[] = [];
      for (let i = 0; i < limit; i++) {
        try {
          opened.push(await open(url));
        } catch (error) {
          return { refusal: error as Refusal, opened };
        }
      }
      return { opened };
    };
    const pidOf = async (client: pg.Client) => (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const admin = { databaseUrl: server.databaseUrl };
    const ops = { databaseUrl: as('ops') };

    try {
      await t.step('setup: roles app and ops, and two reserved_connections slots (a restart)', async () => {
        await server.sql(`CREATE ROLE app LOGIN PASSWORD 'app-secret'`);
        await server.sql(`GRANT SELECT, UPDATE ON tb_post, tb_user TO app`);
        await server.sql(`GRANT SELECT ON tv_post, tv_comment TO app`);
        await server.sql(`CREATE ROLE ops LOGIN PASSWORD 'ops-secret' IN ROLE pg_read_all_stats, pg_signal_backend`);
        await server.sql(`ALTER SYSTEM SET reserved_connections = 2`);
        await server.restartWith(t.target.pgTviewsVersion);
        const [slots] = (await t.snippet('maintenance/connection-slots', {}, admin)).rows;
        assert.equal(slots.reserved_for_role, '2');
        assert.equal(slots.superuser_reserved, '3');
        assert.equal(slots.status, 'OK');
      });

      await t.step('a per-role limit: the fourth session of app is refused, a superuser is not; then lifted', async () => {
        const set = await t.snippet('maintenance/role-connection-limit', { limited_role: 'app', role_limit: '3' }, admin);
        assert.deepEqual([set.rows[0].role, set.rows[0].connection_limit], ['app', '3']);
        const three = [await open(as('app')), await open(as('app')), await open(as('app'))];
        const fourth = await refused(as('app'));
        assert.equal(fourth.code, '53300');
        assert.match(fourth.message, /too many connections for role "app"/);
        const limits = (await t.snippet('maintenance/connection-limits', {}, admin)).rows;
        const app = limits.find((r) => r.scope === 'role' && r.name === 'app')!;
        assert.deepEqual([app.connection_limit, app.connections_now], ['3', '3']);
        assert.equal(limits[0].name, 'app', 'a role at its limit is listed first');
        await (await open(server.databaseUrl)).query('SELECT 1');
        await t.snippet('maintenance/role-connection-limit', { limited_role: 'app', role_limit: '-1' }, admin);
        await open(as('app'));
        for (const client of [...three]) await client.end();
      });

      await t.step('a per-database limit: app is refused beyond it, a superuser is exempt; then lifted', async () => {
        await t.snippet('maintenance/database-connection-limit', { database_limit: '6' }, admin);
        const { refusal } = await openUntilRefused(as('app'), 10);
        assert.ok(refusal, 'app was refused within 10 connections');
        assert.equal(refusal.code, '53300');
        assert.match(refusal.message, /too many connections for database "pgtv_fixture"/);
        await (await open(server.databaseUrl)).query('SELECT 1');
        const { rows } = await t.snippet('maintenance/database-connection-limit', { database_limit: '-1' }, admin);
        assert.equal(rows[0].connection_limit, '-1');
        for (const client of clients.splice(0)) await client.end();
      });

      const holders: pg.Client[] = [];
      await t.step('inject: app fills every ordinary slot; five of its sessions idle in transactions that renamed posts', async () => {
        const { refusal } = await openUntilRefused(as('app'), 100);
        assert.ok(refusal, 'the server refused app at last');
        assert.equal(refusal.code, '53300');
        assert.match(refusal.message, /remaining connection slots are reserved for roles with privileges of the "pg_use_reserved_connections" role/);
        for (const [i, client] of clients.slice(0, 5).entries()) {
          await client.query('BEGIN');
          await client.query(`UPDATE tb_post SET title = 'Held by a stale session' WHERE pk_post = $1`, [10 + i]);
          holders.push(client);
        }
      });

      await t.step('diagnose as a superuser: FULL for ordinary roles; ops, not yet granted the reserved slots, is refused too', async () => {
        const [slots] = (await t.snippet('maintenance/connection-slots', {}, admin)).rows;
        assert.equal(slots.status, 'FULL: ordinary roles are refused');
        assert.equal(slots.free_for_ordinary_roles, '0');
        assert.ok(Number(slots.free_for_superusers) >= 1);
        const refusal = await refused(as('ops'));
        assert.match(refusal.message, /remaining connection slots are reserved/);
      });

      await t.step('the way in: ops granted pg_use_reserved_connections connects, sees app\'s sessions and what they hold', async () => {
        const { rows } = await t.snippet('maintenance/grant-reserved-connections', { ops_role: 'ops' }, admin);
        assert.deepEqual([rows[0].reserved_connections, rows[0].may_use_them], ['2', 'ops']);
        const sessions = (await t.snippet('maintenance/sessions', {}, ops)).rows.filter((r) => r.role === 'app');
        assert.equal(sessions.length, clients.length);
        const holding = sessions.filter((r) => r.tviews_written === 'tv_comment, tv_post');
        assert.equal(holding.length, 5);
        assert.ok(holding.every((r) => r.state === 'idle in transaction'));
      });

      await t.step('end app\'s stale sessions from the ops session: the five transactions, then the idle ones', async () => {
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const preview = await t.snippet('maintenance/stale-sessions', { state: 'idle in transaction', older_than: '1 second', role: 'app' }, ops);
        assert.equal(preview.rows.length, 5);
        const ended = await t.snippet('maintenance/end-stale-sessions', { state: 'idle in transaction', older_than: '1 second', role: 'app' }, ops);
        assert.deepEqual(ended.rows.map((r) => r.terminated), ['t', 't', 't', 't', 't']);
        const idle = await t.snippet('maintenance/end-stale-sessions', { state: 'idle', older_than: '1 second', role: 'app' }, ops);
        assert.ok(idle.rows.length >= 40, `${idle.rows.length} idle sessions of app ended`);
        for (let i = 0; i < 50; i++) {
          const [slots] = (await t.snippet('maintenance/connection-slots', {}, admin)).rows;
          if (slots.status === 'OK') break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      });

      await t.step('recovered: slots free again, app connects, the stale renames were rolled back with their TVIEW changes', async () => {
        const [slots] = (await t.snippet('maintenance/connection-slots', {}, admin)).rows;
        assert.equal(slots.status, 'OK');
        const app = await open(as('app'));
        const { rows } = await app.query<{ held: string }>(`SELECT count(*)::text AS held FROM tv_post WHERE data->>'title' = 'Held by a stale session'`);
        assert.equal(rows[0].held, '0');
        assert.deepEqual((await t.snippet('health/tview-status', {}, admin)).rows.map((r) => r.status), ['OK', 'OK', 'OK']);
        for (const client of clients.splice(0)) await client.end().catch(() => undefined);
      });

      await t.step('every slot taken, superusers\' too: nobody gets in; a SIGTERM to one backend from the host frees a slot', async () => {
        const { opened: apps } = await openUntilRefused(as('app'), 100);
        // ops may take the reserved_connections slots, not the superusers' ones.
        const { refusal: opsRefusal, opened: opsSessions } = await openUntilRefused(as('ops'), 10);
        apps.push(...opsSessions);
        assert.ok(opsRefusal);
        assert.equal(opsRefusal.code, '53300');
        assert.match(opsRefusal.message, /remaining connection slots are reserved for roles with the SUPERUSER attribute/);
        const { refusal, opened: superusers } = await openUntilRefused(server.databaseUrl, 10);
        assert.ok(refusal && superusers.length >= 1, `superusers got ${superusers.length} more slots, then were refused`);
        assert.equal(refusal.code, '53300');
        assert.match(refusal.message, /sorry, too many clients already/);
        // From the database host, as root or the postgres user: kill -TERM <pid of an idle app backend>.
        const victim = apps[0];
        process.kill(await pidOf(victim), 'SIGTERM');
        let admitted: pg.Client | undefined;
        for (let i = 0; i < 50 && !admitted; i++) {
          admitted = await open(server.databaseUrl).catch(() => undefined);
          if (!admitted) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.ok(admitted, 'a superuser got in once the backend was gone');
        const [{ up }] = (await admitted.query<{ up: string }>(`SELECT count(*)::text AS up FROM pg_stat_activity WHERE backend_type = 'client backend'`)).rows;
        assert.ok(Number(up) >= 55, `the other ${up} sessions were not touched: the server did not restart`);
      });
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    }
  },
});
