import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * A reporting schema holding a TVIEW over public tables is dropped with CASCADE by a
 * session in session_replication_role = replica (as logical replication apply and some
 * migration tools run), where event triggers do not fire: pg_tviews never hears of the
 * drop. The table goes; its backing view, which lives in schema tviews, stays, and so do its
 * registration and its triggers on the public source tables. From then on every write to
 * those tables fails, for every application. The health checks must report it; the
 * documented cleanup (pg_tviews_drop through health/drop-orphaned-metadata) must leave a
 * consistent catalog and let the writes through again.
 */
const writeToTbUser = `UPDATE tb_user SET name = name || ' (renamed)' WHERE pk_user = 3`;

export default defineScenario({
  title: "A TVIEW's table dropped behind pg_tviews' back is reported as orphaned metadata and deregistered cleanly",
  runbook: '01-health-monitoring/tview-health-check',
  timeout: '120s',
  async run(t) {
    await t.step('set up: a reports.tv_user_stats TVIEW over tb_user_stats and tb_user', async () => {
      await t.sql(`CREATE TABLE tb_user_stats (pk_user_stats bigint PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid(),
                   fk_user bigint NOT NULL REFERENCES tb_user (pk_user), note text NOT NULL)`);
      await t.sql(`INSERT INTO tb_user_stats (pk_user_stats, fk_user, note) SELECT pk_user, pk_user, 'note ' || pk_user FROM tb_user`);
      await t.sql('CREATE SCHEMA reports');
      await t.sql(`CREATE TABLE reports.tv_user_stats AS
                   SELECT s.pk_user_stats, s.id, s.fk_user, jsonb_build_object('note', s.note, 'name', u.name) AS data
                   FROM tb_user_stats s JOIN tb_user u ON u.pk_user = s.fk_user`);
      const { rows } = await t.snippet('health/tview-catalog');
      assert.deepEqual(rows.map((r) => `${r.entity}:${r.status}`), ['comment:OK', 'post:OK', 'user:OK', 'user_stats:OK']);
    });

    await t.step('inject: DROP SCHEMA reports CASCADE with session_replication_role = replica', async () => {
      const migration = await t.session('migration');
      await migration.query('SET session_replication_role = replica');
      await migration.query('DROP SCHEMA reports CASCADE');
      await migration.end();
      const [{ table, view }] = await t.sql<{ table: string | null; view: string | null }>(
        `SELECT to_regclass('reports.tv_user_stats')::text AS table, to_regclass('tviews.reports__tv_user_stats')::text AS view`,
      );
      assert.equal(table, null);
      assert.equal(view, 'tviews.reports__tv_user_stats', 'the backing view lives in schema tviews and survives');
    });

    await t.step('what really happens: every write to tb_user and tb_user_stats fails', async () => {
      const app = await t.session('app');
      await assert.rejects(app.query(writeToTbUser), /could not map the changed rows to tv_user_stats keys/);
      await assert.rejects(app.query(`UPDATE tb_user_stats SET note = 'x' WHERE pk_user_stats = 3`), /TVIEW refresh failed/);
      await app.end();
    });

    await t.step("diagnose: pg_tviews' health check reports the orphaned metadata as an ERROR, and its triggers as fine", async () => {
      const { rows } = await t.snippet('health/health-check');
      const by = Object.fromEntries(rows.map((r) => [r.component, r]));
      assert.equal(by.metadata.status, 'ERROR');
      assert.match(by.metadata.message ?? '', /1 orphaned metadata entries found/);
      assert.match(by.metadata.next_step ?? '', /Orphaned metadata/);
      assert.equal(by.triggers.status, 'OK', 'the triggers of a TVIEW whose table is gone still count as linked');
      assert.equal(rows[0].status, 'ERROR', 'problems come first');
    });

    await t.step('diagnose: the TVIEW is MISSING_TABLE, its eight triggers ORPHANED, the other TVIEWs OK', async () => {
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => `${r.entity}:${r.status}`), ['user_stats:MISSING_TABLE', 'comment:OK', 'post:OK', 'user:OK']);
      const triggers = await t.snippet('health/trigger-problems');
      assert.equal(triggers.rows.length, 8);
      for (const row of triggers.rows) {
        assert.equal(row.problem, 'ORPHANED');
        assert.equal(row.entity, 'user_stats');
        assert.equal(row.entity_registered, 't');
        assert.match(row.next_step ?? '', /Orphaned metadata/);
      }
      assert.deepEqual([...new Set(triggers.rows.map((r) => r.table_name))].sort(), ['tb_user', 'tb_user_stats']);
    });

    await t.step('diagnose: the monitor reports CRITICAL (exit 2) with one missing TVIEW', async () => {
      const monitor = await t.snippet('scripts/tview-monitor', {}, { allowError: true });
      assert.equal(monitor.exitCode, 2);
      assert.match(monitor.output, /status=CRITICAL .*missing_tviews=1\b/);
    });

    await t.step('remedy: the cleanup refuses a healthy TVIEW, then deregisters the orphaned one', async () => {
      const refused = await t.snippet('health/drop-orphaned-metadata', { entity: 'post' }, { allowError: true });
      assert.match(refused.error ?? '', /table and view both exist/);
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tviews.registry WHERE entity = 'post'`);
      assert.equal(n, 1, 'post is still registered');

      const { results, rows, output } = await t.snippet('health/drop-orphaned-metadata', { entity: 'user_stats' });
      assert.equal(results[0].rows[0][0], 'user_stats', 'the registration is printed first');
      assert.match(output, /TVIEW user_stats deregistered/);
      assert.deepEqual(rows, []);
      const [{ view }] = await t.sql<{ view: string | null }>(`SELECT to_regclass('tviews.reports__tv_user_stats')::text AS view`);
      assert.equal(view, null, 'pg_tviews_drop also dropped the leftover backing view');
    });

    await t.step('writes to tb_user go through again and reach tv_user', async () => {
      await t.sql(writeToTbUser);
      const [{ same }] = await t.sql<{ same: boolean }>(
        `SELECT t.data->>'name' = u.name AS same FROM tv_user t JOIN tb_user u USING (pk_user) WHERE pk_user = 3`,
      );
      assert.equal(same, true);
    });

    await t.step("a source table dropped with CASCADE in replica mode leaves MISSING_VIEW, which pg_tviews' check does not report", async () => {
      await t.sql(`CREATE TABLE tb_note (pk_note bigint PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid(), body text NOT NULL)`);
      await t.sql(`INSERT INTO tb_note (pk_note, body) SELECT g, 'note ' || g FROM generate_series(1, 10) g`);
      await t.sql(`CREATE TABLE tv_note AS SELECT n.pk_note, n.id, jsonb_build_object('body', n.body) AS data FROM tb_note n`);
      const migration = await t.session('migration-2');
      await migration.query('SET session_replication_role = replica');
      await migration.query('DROP TABLE tb_note CASCADE');
      await migration.end();
      const health = await t.snippet('health/health-check');
      assert.deepEqual(health.rows.filter((r) => r.status !== 'OK').map((r) => r.component), ['jsonb_delta'], 'pg_tviews reports nothing');
      const catalog = await t.snippet('health/tview-catalog');
      assert.equal(catalog.rows.find((r) => r.entity === 'note')?.status, 'MISSING_VIEW');
      const { output } = await t.snippet('health/drop-orphaned-metadata', { entity: 'note' });
      assert.match(output, /TVIEW note deregistered/);
      const [{ left }] = await t.sql<{ left: string | null }>(`SELECT to_regclass('tv_note')::text AS left`);
      assert.equal(left, null, 'pg_tviews_drop also dropped the leftover tv_note table');
    });

    await t.step('verify: consistent catalog: no orphaned metadata or triggers, every TVIEW OK, monitor OK', async () => {
      const health = await t.snippet('health/health-check');
      assert.deepEqual(
        health.rows.filter((r) => r.status !== 'OK').map((r) => r.component),
        ['jsonb_delta'],
      );
      const triggers = await t.snippet('health/trigger-problems');
      assert.deepEqual(triggers.rows, []);
      const [{ n }] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_trigger WHERE tgname LIKE 'trg_tview_%user_stats%'`,
      );
      assert.equal(n, 0);
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => `${r.entity}:${r.status}`), ['comment:OK', 'post:OK', 'user:OK']);
      const monitor = await t.snippet('scripts/tview-monitor');
      assert.equal(monitor.exitCode, 0);
      assert.match(monitor.output, /status=OK/);
    });
  },
});
