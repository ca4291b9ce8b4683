import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Refreshes that fail for a reason retrying cannot fix. Someone added a CHECK constraint to
 * tv_post (not pg_tviews' doing) and a post's title became empty while the triggers were off:
 * the refresh fails on the constraint. The runbook tells how to read the error (ERROR names
 * the constraint, DETAIL the row, CONTEXT the pg_tviews statement), that the failed refresh
 * left the TVIEW as it was, that the retry snippet does not retry such an error, and that the
 * same constraint makes the application's own write fail. Then the other errors the runbook
 * lists: a wrong entity name, and pg_tviews_refresh_all inside a suspended transaction
 * (suspension lasts until the end of the transaction that asked for it; the session setting
 * pg_tviews.suspend_triggers is something else and does not stop refresh_all).
 */
export default defineScenario({
  title: 'Failed refresh: a constraint, a wrong name and a suspended transaction give errors that say what to fix; the TVIEW is left as it was',
  runbook: '02-refresh-operations/refresh-troubleshooting',
  timeout: '2min',
  async run(t) {
    await t.step('inject: a CHECK constraint on tv_post, and post 7\'s title emptied with the triggers off', async () => {
      await t.sql(`ALTER TABLE tv_post ADD CONSTRAINT tv_post_title_not_empty CHECK (data->>'title' <> '')`);
      await t.sql(`ALTER TABLE tb_post DISABLE TRIGGER USER`);
      await t.sql(`UPDATE tb_post SET title = '' WHERE pk_post = 7`);
      await t.sql(`ALTER TABLE tb_post ENABLE TRIGGER USER`);
    });

    await t.step('symptom: refresh-retry stops at the first attempt with the real error; nothing is retried; tv_post keeps its 2,000 rows', async () => {
      const result = await t.snippet('troubleshoot/refresh-retry', { entity: 'post', attempts: '3', pause: '0.1' }, { allowError: true });
      assert.match(result.error ?? '', /^ERROR: new row for relation "tv_post" violates check constraint "tv_post_title_not_empty"/);
      assert.match(result.error ?? '', /DETAIL: {2}Failing row contains \(7, /);
      assert.match(result.error ?? '', /CONTEXT: {2}SQL statement "INSERT INTO public\.tv_post \(.*\) SELECT .* FROM public\.v_post"/);
      assert.doesNotMatch(result.output, /attempt \d\/3/, 'a constraint violation is not retried');
      const [{ n, title }] = await t.sql<{ n: string; title: string }>(
        `SELECT count(*)::text AS n, max(data->>'title') FILTER (WHERE pk_post = 7) AS title FROM tv_post`,
      );
      assert.equal(n, '2000', 'the failed refresh was rolled back: the TVIEW was not left empty');
      assert.notEqual(title, '');
    });

    await t.step('diagnose: tview-extras shows the constraint is an addition to tv_post, not pg_tviews\' own', async () => {
      const { rows } = await t.snippet('troubleshoot/tview-extras');
      assert.deepEqual(rows, [
        { tview: 'tv_post', kind: 'check constraint', name: 'tv_post_title_not_empty', definition: "CHECK (((data ->> 'title'::text) <> ''::text))" },
      ]);
    });

    await t.step('the same constraint makes the application\'s own writes fail, with the trigger\'s row refresh in CONTEXT', async () => {
      await assert.rejects(
        t.sql(`UPDATE tb_post SET title = '' WHERE pk_post = 9`),
        (error: Error & { where?: string }) =>
          /violates check constraint "tv_post_title_not_empty"/.test(error.message) && /WITH src AS \(SELECT .* FROM public\.v_post WHERE "pk_post" = \$1\)/.test(error.where ?? ''),
      );
    });

    await t.step('fix: correct the source row (the write passes the constraint), then refresh-one succeeds', async () => {
      await t.sql(`UPDATE tb_post SET title = 'Notes on incident 7' WHERE pk_post = 7`);
      const { rows } = await t.snippet('refresh/refresh-one', { entity: 'post' });
      assert.deepEqual(rows, [{ entity: 'post', differing_rows_after: '0' }]);
    });

    await t.step('wrong entity name: "TVIEW metadata not found" (the entity is post, not posts or tv_post)', async () => {
      for (const entity of ['posts', 'tv_post']) {
        const result = await t.snippet('refresh/refresh-one', { entity }, { allowError: true });
        assert.match(result.error ?? '', new RegExp(`TVIEW metadata not found for entity '${entity}'`));
      }
    });

    await t.step('suspended: in a transaction that called pg_tviews_suspend_triggers(), refresh_all refuses; refresh of one TVIEW works', async () => {
      const s = await t.session('suspender');
      await s.query('BEGIN');
      await s.query('SELECT tviews.pg_tviews_suspend_triggers()');
      assert.deepEqual(await s.query('SELECT tviews.pg_tviews_is_suspended() AS suspended'), [{ suspended: true }]);
      await s.query('SAVEPOINT before_refresh_all');
      await assert.rejects(s.query('SELECT tviews.pg_tviews_refresh_all()'), /Cannot refresh: triggers are suspended/);
      await s.query('ROLLBACK TO SAVEPOINT before_refresh_all');
      await s.query(`SELECT tviews.pg_tviews_refresh('post')`);
      await s.query('COMMIT');
      assert.deepEqual(await s.query('SELECT tviews.pg_tviews_is_suspended() AS suspended'), [{ suspended: false }], 'suspension ended with the transaction');
    });

    await t.step('pg_tviews.suspend_triggers = on is a different switch: writes skip the TVIEWs, is_suspended() says false, refresh_all runs', async () => {
      const s = await t.session('session-switch');
      await s.query('SET pg_tviews.suspend_triggers = on');
      await s.query(`UPDATE tb_post SET title = 'written while switched off' WHERE pk_post = 11`);
      assert.deepEqual(await s.query('SELECT tviews.pg_tviews_is_suspended() AS suspended'), [{ suspended: false }]);
      const [{ title }] = await s.query<{ title: string }>(`SELECT data->>'title' AS title FROM tv_post WHERE pk_post = 11`);
      assert.notEqual(title, 'written while switched off', 'the write did not reach tv_post');
      const [{ count }] = await s.query<{ count: string }>(`SELECT tviews.pg_tviews_refresh_all() ->> 'refreshed_count' AS count`);
      assert.equal(count, '3');
      const [row] = (await t.snippet('refresh/verify-equal', { entity: 'post' })).rows;
      assert.equal(row.status, 'EQUAL');
    });
  },
});
