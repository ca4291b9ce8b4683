import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * pg_tviews has no partial refresh, so the batch runbook repairs a large TVIEW in primary-key
 * ranges with plain SQL (refresh/refresh-in-parts). Proven here: "touching" the drifted source
 * rows (SET body = body) repairs nothing, since pg_tviews skips an UPDATE that changes no value;
 * with a reader holding tv_comment open for the whole run (a full refresh would wait for it),
 * the repair finishes, rewrites only the drifted rows, removes the row whose source was deleted,
 * adds the new one, and leaves tv_comment equal to its view. The REPEATABLE READ the parts run
 * at is what keeps a part from overwriting a newer row a trigger wrote meanwhile: pinned below.
 * And the other batch case: an UNLOGGED TVIEW reset as a crash restart resets it (table and
 * pg_tviews' validity row emptied) is refilled by rebuild-empty without blocking its readers,
 * while a LOGGED TVIEW that was merely emptied is not "reset" and is refilled by the next write.
 */
export default defineScenario({
  title: 'Batch refresh in parts: a drifted large TVIEW is repaired range by range without blocking readers; a reset UNLOGGED TVIEW is refilled',
  runbook: '02-refresh-operations/batch-refresh',
  timeout: '2min',
  async run(t) {
    await t.step('inject: with tb_comment\'s triggers off, edit 30 comments, delete one, add one', async () => {
      await t.sql(`ALTER TABLE tb_comment DISABLE TRIGGER USER`);
      await t.sql(`UPDATE tb_comment SET body = body || ' (edited)' WHERE pk_comment % 150 = 0 AND pk_comment <= 4500`);
      await t.sql(`DELETE FROM tb_comment WHERE pk_comment = 4999`);
      await t.sql(`INSERT INTO tb_comment (fk_post, fk_user, body) VALUES (1, 1, 'written while the triggers were off')`);
      await t.sql(`ALTER TABLE tb_comment ENABLE TRIGGER USER`);
      const [row] = (await t.snippet('refresh/verify-equal', { entity: 'comment' })).rows;
      assert.deepEqual([row.missing_in_tview, row.extra_in_tview, row.status], ['31', '31', 'DIFFERENT']);
    });

    await t.step('no partial refresh: rewriting the source rows with their own values repairs nothing (pg_tviews skips unchanged rows)', async () => {
      await t.sql(`UPDATE tb_comment SET body = body WHERE pk_comment <= 4500`);
      const [row] = (await t.snippet('refresh/verify-equal', { entity: 'comment' })).rows;
      assert.deepEqual([row.missing_in_tview, row.extra_in_tview], ['31', '31']);
    });

    await t.step('remedy: refresh-in-parts repairs tv_comment in 6 parts while a reader holds it open; only the drifted rows are written', async () => {
      const xminBefore = new Map(
        (await t.sql<{ pk: string; x: string }>(`SELECT pk_comment::text AS pk, xmin::text AS x FROM tv_comment`)).map((r) => [r.pk, r.x]),
      );
      const reader = await t.session('reader');
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM tv_comment');

      const { rows } = await t.snippet('refresh/refresh-in-parts', { entity: 'comment', chunk_rows: '1000', pause: '0.05', lock_timeout: '1s' });
      assert.deepEqual(rows, [{ entity: 'comment', outcome: 'done', parts: '6', first_pk: '1', last_pk: '5001', rows_written: '31', rows_removed: '1' }]);

      // The reader was never in the way and is still inside its transaction.
      const [{ state }] = await t.sql<{ state: string }>(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [reader.pid]);
      assert.equal(state, 'idle in transaction');
      await reader.query('COMMIT');

      const after = await t.sql<{ pk: string; x: string }>(`SELECT pk_comment::text AS pk, xmin::text AS x FROM tv_comment`);
      const rewritten = after.filter((r) => xminBefore.get(r.pk) !== r.x).map((r) => Number(r.pk));
      assert.equal(rewritten.length, 31, '30 edited rows and the new one; the other 4,969 rows were not rewritten');
      assert.ok(rewritten.includes(5001) && !after.some((r) => r.pk === '4999'));
      const [row] = (await t.snippet('refresh/verify-equal', { entity: 'comment' })).rows;
      assert.equal(row.status, 'EQUAL');
      const again = (await t.snippet('refresh/refresh-in-parts', { entity: 'comment', chunk_rows: '1000', pause: '0' })).rows[0];
      assert.deepEqual([again.rows_written, again.rows_removed], ['0', '0'], 'a second run finds nothing to do');
    });

    await t.step('why REPEATABLE READ: a part whose rows a trigger changed meanwhile fails instead of writing older data', async () => {
      const part = await t.session('part');
      await part.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await part.query('SELECT 1'); // the snapshot the part reads the view with
      await t.sql(`UPDATE tb_comment SET body = 'newer, written by the application' WHERE pk_comment = 5`);
      await assert.rejects(
        part.query(`
          INSERT INTO tv_comment AS t (pk_comment, id, fk_post, fk_user, data)
          SELECT pk_comment, id, fk_post, fk_user, data FROM tviews.public__tv_comment WHERE pk_comment BETWEEN 1 AND 10
          ON CONFLICT (pk_comment) DO UPDATE SET data = EXCLUDED.data
          WHERE ROW(t.data) IS DISTINCT FROM ROW(EXCLUDED.data)`),
        /could not serialize access due to concurrent update/,
      );
      await part.query('ROLLBACK');
      const [{ body }] = await t.sql<{ body: string }>(`SELECT data->>'body' AS body FROM tv_comment WHERE pk_comment = 5`);
      assert.equal(body, 'newer, written by the application');
    });

    await t.step('a LOGGED TVIEW emptied by hand is not "reset": rebuild-empty leaves it, the next write that reaches it refills it', async () => {
      await t.sql('TRUNCATE tv_user');
      const result = await t.snippet('refresh/rebuild-empty');
      const status = Object.fromEntries(result.results[0].rows.map((r) => [r[0], [r[1], r[2], r[3]]]));
      assert.deepEqual(status.user, ['logged', 't', 'f'], 'persistence, is_empty, needs_rebuild');
      assert.deepEqual(result.rows, []);
      await t.sql(`UPDATE tb_user SET name = name || '.' WHERE pk_user = 3`);
      const [{ n }] = await t.sql<{ n: string }>('SELECT count(*)::text AS n FROM tv_user');
      assert.equal(n, '1000', 'the first write reaching the empty TVIEW refilled it from its view');
    });

    await t.step('reset UNLOGGED TVIEW: rebuild-empty refills tv_post, found by needs_rebuild, without blocking its readers', async () => {
      await t.sql('ALTER TABLE tv_post SET UNLOGGED');
      // What a crash restart or a promotion does to an UNLOGGED TVIEW: its table and pg_tviews'
      // record that its rows can be trusted (itself an UNLOGGED table) come back empty.
      await t.sql('TRUNCATE tv_post');
      await t.sql(`DELETE FROM tviews.pg_tview_valid WHERE entity = 'post'`);
      const readers = await t.session('readers');
      await readers.query('BEGIN');
      await readers.query('SELECT count(*) FROM tv_post');
      await readers.query('SELECT count(*) FROM tv_comment');

      const result = await t.snippet('refresh/rebuild-empty');
      const status = Object.fromEntries(result.results[0].rows.map((r) => [r[0], [r[1], r[2], r[3]]]));
      assert.deepEqual(status, { comment: ['logged', 'f', 'f'], post: ['unlogged', 't', 't'], user: ['logged', 'f', 'f'] }, 'persistence, is_empty, needs_rebuild before');
      assert.deepEqual(result.rows, [{ entity: 'post', rows_inserted: '2000' }]);
      await readers.query('COMMIT');

      for (const entity of ['post', 'comment']) {
        const [row] = (await t.snippet('refresh/verify-equal', { entity })).rows;
        assert.equal(row.status, 'EQUAL', entity);
      }
      const second = await t.snippet('refresh/rebuild-empty');
      assert.deepEqual(second.rows, [], 'nothing left to refill');
    });
  },
});
