import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineScenario } from '../../src/verify/scenario.ts';
import { differingRows } from './helpers.ts';

/**
 * A bulk fix has to run during an incident, but this database limits what one statement may
 * refresh (pg_tviews.max_refresh_rows = 500): run plainly, it is refused with 54000 and rolled
 * back. Run with incident/run-suspended it goes through; before the commit the snippet names
 * the TVIEWs it will rebuild and those reading them; the commit rebuilds each once and every
 * TVIEW equals its view. A bulk file that fails half-way leaves nothing behind. A DO block
 * that suspends by itself commits implicitly and leaves the TVIEWs stale, with a WARNING.
 */
interface PgError {
  code?: string;
  message: string;
}

export default defineScenario({
  title: 'A bulk write refused by max_refresh_rows runs suspended and is caught up at COMMIT',
  runbook: '04-incident-response/emergency-procedures',
  timeout: '2min',
  async run(t) {
    const dir = await t.tempDir('fixes');
    try {
      const [{ db }] = await t.sql<{ db: string }>('SELECT current_database() AS db');
      await t.sql(`ALTER DATABASE "${db}" SET pg_tviews.max_refresh_rows = 500`);
      const bulk = `UPDATE tb_user SET name = name || ' (bulk fix)' WHERE pk_user <= 100;\n`;

      await t.step('plainly, the bulk fix is refused with 54000 and rolled back', async () => {
        const app = await t.session('app');
        await assert.rejects(app.query(bulk), (error: PgError) => {
          assert.equal(error.code, '54000');
          assert.match(error.message, /would write \d+ rows in one statement \(max_refresh_rows = 500\)/);
          return true;
        });
        const [{ n }] = await app.query<{ n: number }>(`SELECT count(*)::int AS n FROM tb_user WHERE name LIKE '% (bulk fix)'`);
        assert.equal(n, 0);
        await app.end();
      });

      const full = async () =>
        Object.fromEntries((await t.sql<{ entity: string; n: string }>(`SELECT entity, full_refreshes::text AS n FROM tviews.stats`)).map((r) => [r.entity, Number(r.n)]));

      await t.step('suspended: it goes through, names what the commit rebuilds, and the commit rebuilds each TVIEW once', async () => {
        const file = path.join(dir, 'bulk-fix.sql');
        await writeFile(file, bulk);
        const before = await full();
        const { rows } = await t.snippet('incident/run-suspended', { write_file: file, lock_timeout: '5s' });
        assert.deepEqual(rows, [{ suspended: 't', tviews_to_rebuild_at_commit: 'post, user', also_rebuilt: 'comment' }]);
        const after = await full();
        assert.deepEqual({ comment: after.comment - before.comment, post: after.post - before.post, user: after.user - before.user }, { comment: 1, post: 1, user: 1 });
        const [{ users, comments }] = await t.sql<{ users: number; comments: number }>(
          `SELECT (SELECT count(*)::int FROM tv_user WHERE data->>'name' LIKE '% (bulk fix)') AS users,
                  (SELECT count(*)::int FROM tv_comment WHERE data->'post'->'author'->>'name' LIKE '% (bulk fix)') AS comments`,
        );
        assert.equal(users, 100);
        assert.ok(comments > 0);
        assert.deepEqual(await differingRows(t), { comment: 0, post: 0, user: 0 });
      });

      await t.step('a reader holds tv_user: the catch-up at COMMIT times out on its lock and the whole transaction is rolled back', async () => {
        const reader = await t.session('long-reader');
        await reader.query('BEGIN');
        await reader.query('SELECT count(*) FROM tv_user');
        const file = path.join(dir, 'second-fix.sql');
        await writeFile(file, `UPDATE tb_user SET name = 'caught up later' WHERE pk_user <= 5;\n`);
        const result = await t.snippet('incident/run-suspended', { write_file: file, lock_timeout: '1s' }, { allowError: true });
        assert.match(result.error ?? '', /lock timeout/);
        await reader.query('COMMIT');
        await reader.end();
        const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tb_user WHERE name = 'caught up later'`);
        assert.equal(n, 0, 'the bulk write was rolled back with the catch-up');
      });

      await t.step('a bulk file that fails half-way: psql stops, the whole transaction is rolled back', async () => {
        const file = path.join(dir, 'broken-fix.sql');
        await writeFile(file, `UPDATE tb_user SET name = 'half-way' WHERE pk_user <= 10;\nSELECT 1 / 0;\n`);
        const result = await t.snippet('incident/run-suspended', { write_file: file }, { allowError: true });
        assert.match(result.error ?? '', /division by zero/);
        const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tb_user WHERE name = 'half-way'`);
        assert.equal(n, 0);
      });

      await t.step('not like this: a DO block that suspends commits implicitly and leaves the TVIEWs stale until refreshed', async () => {
        const app = await t.session('do-block');
        await app.query(`DO $$ BEGIN PERFORM tviews.pg_tviews_suspend_triggers(); UPDATE tb_user SET name = 'suspended in a DO block' WHERE pk_user = 200; END $$`);
        await app.end();
        const [{ tv }] = await t.sql<{ tv: string }>(`SELECT data->>'name' AS tv FROM tv_user WHERE pk_user = 200`);
        assert.notEqual(tv, 'suspended in a DO block', 'tv_user was not caught up');
        const stale = await differingRows(t);
        assert.ok(stale.user > 0 && stale.post > 0, JSON.stringify(stale));
        const { rows } = await t.snippet('refresh/refresh-batch', { only: 'user,post', pause: '0' });
        assert.ok(rows.every((r) => r.outcome === 'refreshed'));
        assert.deepEqual(await differingRows(t), { comment: 0, post: 0, user: 0 });
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
});
