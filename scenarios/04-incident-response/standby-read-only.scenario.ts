import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * What pg_tviews does on a hot standby, which emergency-procedures step 8 tells the reader to
 * expect when readers are moved there. A server of the scenario's own with an UNLOGGED TVIEW
 * next to the fixture's LOGGED ones, a standby streaming from it (pg_basebackup), and a write
 * on the primary after the backup. On the standby: incident/switch-state says where the reader
 * is; LOGGED TVIEWs show the primary's rows, UNLOGGED ones cannot be read; the catalog and
 * status functions answer; the health check, a refresh and a rebuild fail, each with its own
 * error; writes are refused; tviews.stats counts nothing. On the primary the health check the
 * runbook sends the reader back to finds nothing wrong.
 */
interface PgError {
  code?: string;
  message: string;
}

const failsWith = (code: string, message: RegExp) => (error: PgError) => {
  assert.equal(error.code, code, error.message);
  assert.match(error.message, message);
  return true;
};

export default defineScenario({
  title: 'On a hot standby: LOGGED TVIEWs readable with the primary\'s rows, UNLOGGED ones not, health check and refreshes refused, the primary clean',
  runbook: '04-incident-response/emergency-procedures',
  timeout: '3min',
  async run(t) {
    const primary = await t.cluster({ pgTviewsVersion: t.target.pgTviewsVersion });
    const standby = await primary.standby();
    const onStandby = { databaseUrl: standby.databaseUrl };

    await t.step('setup: an UNLOGGED TVIEW on the primary, a post renamed after the standby was made, replayed there', async () => {
      await primary.sql(`CREATE UNLOGGED TABLE tv_note AS SELECT pk_post AS pk_note, id, jsonb_build_object('title', title) AS data FROM tb_post`);
      await primary.sql(`UPDATE tb_post SET title = 'Renamed on the primary' WHERE pk_post = 3`);
      await standby.caughtUp();
    });

    await t.step("step 1 on the standby: switch-state says this server is a standby, and shows the primary's triggers", async () => {
      const { results } = await t.snippet('incident/switch-state', {}, onStandby);
      const rows = results.flatMap((result) => result.rows.map((row) => Object.fromEntries(result.columns.map((column, i) => [column, row[i]]))));
      assert.deepEqual(
        rows.filter((row) => 'maintained' in row).map((row) => `${row.entity} ${row.maintained}`),
        ['comment yes', 'note yes', 'post yes', 'user yes'],
      );
      const server = rows.find((row) => row.switch === 'server');
      assert.ok(server, `no "server" row among ${JSON.stringify(rows)}`);
      assert.equal(server.value, 'standby (in recovery)');
    });

    await t.step("LOGGED TVIEWs show the primary's rows; the UNLOGGED one cannot be read, and the status functions say so", async () => {
      const [renamed] = await standby.sql<{ title: string }>(`SELECT data->>'title' AS title FROM tv_post WHERE pk_post = 3`);
      assert.equal(renamed.title, 'Renamed on the primary');
      const [{ comments }] = await standby.sql<{ comments: number }>(`SELECT count(*)::int AS comments FROM tv_comment`);
      const [{ expected }] = await primary.sql<{ expected: number }>(`SELECT count(*)::int AS expected FROM tb_comment`);
      assert.equal(comments, expected);
      await assert.rejects(standby.sql(`SELECT count(*) FROM tv_note`), failsWith('0A000', /cannot access temporary or unlogged relations during recovery/));
      const status = await standby.sql<{ entity: string; persistence: string; replica_readable: boolean }>(
        `SELECT entity, persistence, replica_readable FROM tviews.pg_tviews_replication_status() ORDER BY entity`,
      );
      assert.deepEqual(
        status.map((row) => `${row.entity} ${row.persistence} ${row.replica_readable}`),
        ['comment logged true', 'note unlogged false', 'post logged true', 'user logged true'],
      );
      assert.equal((await standby.sql(`SELECT * FROM tviews.pg_tviews_profile()`)).length, 4);
      assert.equal((await standby.sql(`SELECT * FROM tviews.registry`)).length, 4);
    });

    await t.step('the health check, a refresh and a rebuild fail on the standby; writes are refused; tviews.stats counts nothing there', async () => {
      await assert.rejects(standby.sql(`SELECT * FROM tviews.pg_tviews_health_check()`), failsWith('XX000', /cannot assign TransactionIds during recovery/));
      await assert.rejects(standby.sql(`SELECT tviews.pg_tviews_refresh('post')`), failsWith('XX000', /cannot assign TransactionIds during recovery/));
      await assert.rejects(standby.sql(`SELECT * FROM tviews.pg_tviews_rebuild_all()`), failsWith('22023', /cannot rebuild TVIEWs during recovery; run it on the primary/));
      await assert.rejects(standby.sql(`UPDATE tb_post SET title = 'x' WHERE pk_post = 3`), failsWith('25006', /cannot execute UPDATE in a read-only transaction/));
      const counted = async (server: typeof primary | typeof standby) =>
        (await server.sql<{ rows_written: string }>(`SELECT rows_written::text FROM tviews.stats WHERE name = 'tv_post'`))[0].rows_written;
      assert.equal(await counted(standby), '0');
      assert.notEqual(await counted(primary), '0', "the primary counted its own refresh of tv_post");
    });

    await t.step('back on the primary, as the runbook says: the health check finds nothing wrong', async () => {
      const { rows } = await t.snippet('health/health-check', {}, { databaseUrl: primary.databaseUrl });
      assert.ok(rows.length > 0);
      // jsonb_delta, an optional extension the fixture does not install, is the one warning.
      assert.deepEqual(rows.filter((row) => row.status !== 'OK').map((row) => `${row.status} ${row.component}`), ['WARNING jsonb_delta']);
    });
  },
});
