import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { findTarget } from '../../src/config/targets.ts';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Upgrading pg_tviews, as the regular-maintenance runbook does it, on a server of the
 * scenario's own that starts on the previous release (targets.env's upgradeFrom, 0.1.0-beta.33)
 * with the fixture. The beta.34 update drops the created_at / updated_at columns pg_tviews
 * added to every TVIEW table, so a view of the application that reads one blocks it: the
 * pre-check must name it, and the update must fail on it and change nothing. Between the
 * restart onto the new library and the update, writes to the source tables fail (the library
 * refuses the older catalog) while reads go on. Rolling back a failed update is starting the
 * old library again; after a successful one the old library refuses the newer catalog and
 * no update script goes back: the way back is the dump taken before the upgrade, restored
 * into a new database on the old release, without what was written after it. In the end
 * every TVIEW must equal its backing view, with the writes made before the upgrade, and the
 * health check must be clean.
 */
export default defineScenario({
  title: 'Upgrade from the previous pg_tviews release: the pre-check names the blocker, a failed update changes nothing, the fixed one keeps every TVIEW equal to its view',
  runbook: '03-maintenance/regular-maintenance',
  timeout: '10min',
  async run(t) {
    const from = findTarget(t.target.id).upgradeFrom;
    assert.ok(from, `targets.env names no upgradeFrom for ${t.target.id}`);
    const to = t.target.pgTviewsVersion;
    const old = await t.cluster({ pgTviewsVersion: from });
    const there = { databaseUrl: old.databaseUrl };
    const backups = await t.tempDir('backups');
    try {
      const check = async () =>
        Object.fromEntries((await t.snippet('maintenance/upgrade-precheck', {}, there)).rows.map((r) => [r.check_name!, { value: r.value!, status: r.status! }]));
      const title = async (pk: number) => (await old.sql<{ title: string }>(`SELECT data->>'title' AS title FROM tv_post WHERE pk_post = $1`, [pk]))[0].title;
      const writeFails = async (pk: number, hint: RegExp) => {
        const before = await title(pk);
        await assert.rejects(old.sql(`UPDATE tb_post SET title = 'lost write' WHERE pk_post = $1`, [pk]), (error: Error & { code?: string; hint?: string }) => {
          assert.equal(error.code, '55000');
          assert.match(error.message, /pg_tviews library catalog revision \d+ does not match the installed extension \(\d+\)/);
          assert.match(error.hint ?? '', hint);
          return true;
        });
        assert.equal(await title(pk), before, 'the refused write was rolled back; the TVIEW is still readable');
        assert.equal((await old.sql<{ title: string }>(`SELECT title FROM tb_post WHERE pk_post = $1`, [pk]))[0].title, before);
      };

      let oldRevision = 0;
      await t.step(`setup on ${from}: TVIEW tables carry created_at / updated_at, an application view reads one, and data is written`, async () => {
        const [{ version, revision }] = await old.sql<{ version: string; revision: number }>(
          `SELECT extversion AS version, tviews.pg_tviews_catalog_revision() AS revision FROM pg_extension WHERE extname = 'pg_tviews'`,
        );
        assert.equal(version, from);
        oldRevision = revision;
        const added = await old.sql(`SELECT 1 FROM pg_attribute WHERE attrelid IN ('tv_user'::regclass, 'tv_post'::regclass, 'tv_comment'::regclass) AND attname IN ('created_at', 'updated_at') AND NOT attisdropped`);
        assert.equal(added.length, 6);
        await old.sql(`CREATE VIEW recent_posts AS SELECT pk_post, data->>'title' AS title, updated_at FROM tv_post WHERE updated_at > now() - interval '1 day'`);
        await old.sql(`UPDATE tb_user SET name = 'Renamed before the upgrade' WHERE pk_user = 3`);
        await old.sql(`INSERT INTO tb_comment (fk_post, fk_user, body) VALUES (5, 3, 'written on ${from}')`);
        await old.sql(`DELETE FROM tb_comment WHERE pk_comment = 11`);
        await old.sql(`UPDATE tb_post SET title = 'Retitled before the upgrade' WHERE pk_post = 6`);
      });

      let dump = '';
      await t.step('backup: a pg_dump of the database, then one more write that the backup does not hold', async () => {
        const { output } = await t.snippet('maintenance/dump-database', { dir: backups }, there);
        const written = /dump written: (\S+) \(/.exec(output);
        assert.ok(written, output);
        dump = written[1];
        assert.match(path.basename(dump), new RegExp(`^pgtv_fixture-pg_tviews-${from.replaceAll('.', '\\.')}-\\d{8}T\\d{6}Z\\.dump$`));
        assert.match(output, /TABLE DATA tviews pg_tview_meta/);
        await old.sql(`UPDATE tb_post SET title = 'Written after the backup' WHERE pk_post = 8`);
      });

      await t.step('pre-check on the old release: what the update will drop, and the view that blocks it', async () => {
        const c = await check();
        assert.deepEqual(c.installed_version, { value: from, status: 'INFO' });
        assert.deepEqual(c.library_version, { value: from, status: 'OK' });
        assert.equal(c.available_version.value, from, 'the new package is not installed yet');
        assert.deepEqual(c.pg_tviews_added_columns, { value: '6', status: 'INFO' });
        assert.deepEqual(c.readers_of_dropped_columns, { value: 'recent_posts reads tv_post.updated_at', status: 'BLOCKER' });
        for (const name of ['refused_reads', 'health_errors', 'prepared_transactions']) assert.equal(c[name].status, 'OK', name);
      });

      await t.step(`restart onto the ${to} library: the pre-check sees the update path, writes to source tables fail until the update, reads go on`, async () => {
        await old.restartWith(to);
        const c = await check();
        assert.deepEqual(c.installed_version, { value: from, status: 'INFO' });
        assert.deepEqual(c.library_version, { value: to, status: 'BLOCKER' });
        assert.deepEqual(c.available_version, { value: to, status: 'OK' });
        assert.deepEqual(c.update_path, { value: `${from}--${to}`, status: 'OK' });
        assert.equal(c.health_errors.status, 'OK', 'the catalog mismatch is reported by library_version, not as a health error');
        const health = await old.sql<{ component: string; status: string; message: string }>(`SELECT component, status, message FROM tviews.pg_tviews_health_check() WHERE status = 'ERROR'`);
        assert.deepEqual(health.map((h) => h.component), ['catalog']);
        assert.match(health[0].message, /does not match the installed extension.*ALTER EXTENSION pg_tviews UPDATE/);
        await writeFails(2, /^run ALTER EXTENSION pg_tviews UPDATE$/);
      });

      await t.step('the update fails on the view, names it, and changes nothing', async () => {
        const failed = await t.snippet('maintenance/upgrade-extension', {}, { ...there, allowError: true });
        const said = `${failed.error ?? ''}\n${failed.output}`;
        assert.match(said, /cannot drop column updated_at of table public\.tv_post because other objects depend on it/);
        assert.match(said, /view public\.recent_posts depends on column updated_at of table public\.tv_post/);
        const [{ version }] = await old.sql<{ version: string }>(`SELECT extversion AS version FROM pg_extension WHERE extname = 'pg_tviews'`);
        assert.equal(version, from);
        const kept = await old.sql(`SELECT 1 FROM pg_attribute WHERE attrelid = 'tv_user'::regclass AND attname = 'created_at' AND NOT attisdropped`);
        assert.equal(kept.length, 1, 'tv_user, altered before tv_post in the same transaction, kept its column: the whole update was rolled back');
      });

      await t.step(`rolling back a failed update: the ${from} library again, and writes work`, async () => {
        await old.restartWith(from);
        await old.sql(`UPDATE tb_post SET title = 'Written while rolled back' WHERE pk_post = 2`);
        assert.equal(await title(2), 'Written while rolled back');
      });

      await t.step(`fixed: the view is dropped, the server restarted onto ${to}, and the update succeeds`, async () => {
        await old.sql(`DROP VIEW recent_posts`);
        assert.deepEqual((await check()).readers_of_dropped_columns, { value: '(none)', status: 'OK' });
        await old.restartWith(to);
        const { rows } = await t.snippet('maintenance/upgrade-extension', { lock_timeout: '10s' }, there);
        assert.equal(rows.length, 1);
        const { catalog_revision, ...versions } = rows[0];
        assert.deepEqual(versions, { version_before: from, version_after: to, library_version: to, tviews: '3', needs_reregister: '0' });
        assert.ok(Number(catalog_revision) > oldRevision, `catalog revision ${oldRevision} -> ${catalog_revision}`);
        // The application's view comes back without the column pg_tviews no longer keeps.
        await old.sql(`CREATE VIEW recent_posts AS SELECT pk_post, data->>'title' AS title FROM tv_post`);
      });

      await t.step('post-checks: versions, shape, health and every TVIEW equal to its view, with the writes made before the upgrade', async () => {
        const status = await t.snippet('health/extension-status', {}, there);
        for (const row of status.rows) assert.equal(row.status, 'OK', `${row.check_name}: ${row.status}`);
        assert.equal(status.rows.find((r) => r.check_name === 'installed_version')!.value, to);
        const shape = await t.snippet('maintenance/upgrade-postcheck', {}, there);
        assert.deepEqual(shape.rows.map((r) => [r.entity, r.extra_columns, r.status]), [['comment', '', 'OK'], ['post', '', 'OK'], ['user', '', 'OK']]);
        const health = await t.snippet('health/health-check', {}, there);
        assert.deepEqual(health.rows.filter((r) => r.status !== 'OK').map((r) => r.component), ['jsonb_delta']);
        const equal = await t.snippet('health/tview-status', {}, there);
        assert.deepEqual(equal.rows.map((r) => [r.entity, r.status, r.differing_rows]), [['comment', 'OK', '0'], ['post', 'OK', '0'], ['user', 'OK', '0']]);
        const [kept] = await old.sql<{ author: string; comment: string; deleted: string; retitled: string }>(
          `SELECT (SELECT data->'author'->>'name' FROM tv_post WHERE fk_user = 3 LIMIT 1) AS author,
                  (SELECT data->>'body' FROM tv_comment WHERE data->>'body' = 'written on ${from}') AS comment,
                  (SELECT count(*)::text FROM tv_comment WHERE pk_comment = 11) AS deleted,
                  (SELECT data->>'title' FROM tv_post WHERE pk_post = 6) AS retitled`,
        );
        assert.deepEqual(kept, { author: 'Renamed before the upgrade', comment: `written on ${from}`, deleted: '0', retitled: 'Retitled before the upgrade' });
      });

      await t.step('after the update, writes reach every TVIEW again', async () => {
        await old.sql(`UPDATE tb_user SET name = 'Renamed after the upgrade' WHERE pk_user = 3`);
        const equal = await t.snippet('health/tview-status', {}, there);
        assert.deepEqual(equal.rows.map((r) => r.status), ['OK', 'OK', 'OK']);
        const [{ n }] = await old.sql<{ n: string }>(`SELECT count(*)::text AS n FROM tv_comment WHERE data->'post'->'author'->>'name' = 'Renamed after the upgrade'`);
        assert.ok(Number(n) > 0, 'the rename reached tv_comment through tv_post');
      });

      await t.step(`no way back in place: no update script leads to ${from}, and its library refuses the ${to} catalog`, async () => {
        const paths = await old.sql(`SELECT path FROM pg_extension_update_paths('pg_tviews') WHERE source = $1 AND target = $2 AND path IS NOT NULL`, [to, from]);
        assert.deepEqual(paths, []);
        await old.restartWith(from);
        await writeFails(4, /installed extension is newer than this library: install the pg_tviews package that matches it/);
      });

      await t.step(`the way back: the dump restored into a new database on ${from}, equal to its views, without the write made after it`, async () => {
        await old.sql(`CREATE DATABASE restored`);
        const restored = { databaseUrl: old.databaseUrl.replace(/\/pgtv_fixture(\?|$)/, '/restored$1') };
        assert.notEqual(restored.databaseUrl, old.databaseUrl);
        const refused = await t.snippet('maintenance/restore-database', { file: dump }, { ...there, allowError: true });
        assert.equal(refused.exitCode, 65, 'it refuses a database that holds tables');
        const { output } = await t.snippet('maintenance/restore-database', { file: dump }, restored);
        assert.match(output, /restored .* into restored/);
        assert.doesNotMatch(output, /ERROR/);
        const status = await t.snippet('health/extension-status', {}, restored);
        assert.equal(status.rows.find((r) => r.check_name === 'installed_version')!.value, from);
        assert.deepEqual(status.rows.map((r) => r.status), ['OK', 'OK', 'OK', 'OK', 'OK']);
        const equal = await t.snippet('health/tview-status', {}, restored);
        assert.deepEqual(equal.rows.map((r) => r.status), ['OK', 'OK', 'OK']);
        assert.equal((await t.snippet('maintenance/upgrade-precheck', {}, restored)).rows.find((r) => r.check_name === 'library_version')!.status, 'OK');
        const client = new pg.Client({ connectionString: restored.databaseUrl });
        await client.connect();
        try {
          const title = async (pk: number) => (await client.query<{ title: string }>(`SELECT data->>'title' AS title FROM tv_post WHERE pk_post = $1`, [pk])).rows[0].title;
          assert.equal(await title(6), 'Retitled before the upgrade', 'what was written before the backup is there');
          assert.notEqual(await title(8), 'Written after the backup', 'what was written after it is not');
          await client.query(`UPDATE tb_post SET title = 'Written on the restored database' WHERE pk_post = 8`);
          assert.equal(await title(8), 'Written on the restored database', 'the restored TVIEWs follow their sources');
        } finally {
          await client.end();
        }
      });
    } finally {
      await rm(backups, { recursive: true, force: true });
    }
  },
});
