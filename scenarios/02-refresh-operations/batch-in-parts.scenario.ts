import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * pg_tviews has no partial refresh, so the batch runbook repairs a large TVIEW in primary-key
 * ranges with plain SQL (refresh/refresh-in-parts). Proven here: with a reader holding tv_comment
 * open for the whole run (a full refresh would wait for it), the repair finishes, rewrites only
 * the drifted rows, removes the row whose source was deleted, adds the new one, and leaves
 * tv_comment equal to v_comment. The REPEATABLE READ the parts run at is what keeps a part from
 * overwriting a newer row a trigger wrote meanwhile: pinned below. And the other batch case: a
 * TVIEW emptied (as a crash restart empties UNLOGGED tables) is refilled by rebuild-empty
 * without blocking its readers.
 */
export default defineScenario({
  title: 'Batch refresh in parts: a drifted large TVIEW is repaired range by range without blocking readers; an emptied TVIEW is refilled',
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

    await t.step('no partial refresh in pg_tviews: calling its row-level trigger entry point by hand repairs nothing', async () => {
      await t.sql(`SELECT count(tviews.pg_tviews_insert('tb_comment'::regclass, pk_comment)) FROM tb_comment WHERE pk_comment <= 4500`);
      const [row] = (await t.snippet('refresh/verify-equal', { entity: 'comment' })).rows;
      assert.deepEqual([row.missing_in_tview, row.extra_in_tview], ['31', '31']);
    });

    await t.step('remedy: refresh-in-parts repairs tv_comment in 6 parts while a reader holds it open; only the drifted rows are written', async () => {
      const reader = await t.session('reader');
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM tv_comment');
      const [{ started }] = await t.sql<{ started: Date }>('SELECT clock_timestamp() AS started');

      const { rows } = await t.snippet('refresh/refresh-in-parts', { entity: 'comment', chunk_rows: '1000', pause: '0.05', lock_timeout: '1s' });
      assert.deepEqual(rows, [{ entity: 'comment', outcome: 'done', parts: '6', first_pk: '1', last_pk: '5001', rows_written: '31', rows_removed: '1' }]);

      // The reader was never in the way and is still inside its transaction.
      const [{ state }] = await t.sql<{ state: string }>(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [reader.pid]);
      assert.equal(state, 'idle in transaction');
      await reader.query('COMMIT');

      const [{ rewritten }] = await t.sql<{ rewritten: string }>(`SELECT count(*) AS rewritten FROM tv_comment WHERE updated_at >= $1`, [started]);
      assert.equal(rewritten, '31', '30 edited rows and the new one; the other 4,969 rows were not rewritten');
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
          SELECT pk_comment, id, fk_post, fk_user, data FROM v_comment WHERE pk_comment BETWEEN 1 AND 10
          ON CONFLICT (pk_comment) DO UPDATE SET data = EXCLUDED.data
          WHERE ROW(t.data) IS DISTINCT FROM ROW(EXCLUDED.data)`),
        /could not serialize access due to concurrent update/,
      );
      await part.query('ROLLBACK');
      const [{ body }] = await t.sql<{ body: string }>(`SELECT data->>'body' AS body FROM tv_comment WHERE pk_comment = 5`);
      assert.equal(body, 'newer, written by the application');
    });

    await t.step('emptied TVIEW: rebuild-empty refills tv_post, found by needs_rebuild, without blocking a reader', async () => {
      await t.sql('TRUNCATE tv_post'); // what a crash restart does to an UNLOGGED table
      const reader = await t.session('post-reader');
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM tv_post');

      const result = await t.snippet('refresh/rebuild-empty');
      const status = Object.fromEntries(result.results[0].rows.map((r) => [r[0], r[3]]));
      assert.deepEqual(status, { comment: 'f', post: 't', user: 'f' }, 'needs_rebuild before');
      assert.deepEqual(result.rows, [{ entity: 'post', rows: '2000' }]);
      await reader.query('COMMIT');

      const [row] = (await t.snippet('refresh/verify-equal', { entity: 'post' })).rows;
      assert.equal(row.status, 'EQUAL');
      const second = await t.snippet('refresh/rebuild-empty');
      assert.deepEqual(second.rows, [], 'nothing left to refill');
    });
  },
});
