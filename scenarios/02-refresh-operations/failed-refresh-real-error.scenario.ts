import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Refreshes that fail for a reason retrying cannot fix. Someone added a CHECK constraint to
 * tv_post (not pg_tviews' doing) and a post's title became empty while the triggers were off:
 * the refresh fails on the constraint. The runbook tells how to read the error (ERROR names
 * the constraint, DETAIL the row, CONTEXT the pg_tviews statement, SQLSTATE the kind), that the
 * failed refresh left the TVIEW as it was, that the retry snippet does not retry such an error,
 * and that the same constraint makes the application's own write fail. Then the other errors
 * the runbook lists, each with its SQLSTATE: a wrong name (42704; tv_post is accepted as well
 * as post), pg_tviews_refresh_all inside a suspended transaction (55000; suspension lasts until
 * that transaction ends, and its commit catches the TVIEWs up), and the removed session setting
 * pg_tviews.suspend_triggers (42602).
 */
export default defineScenario({
  title: 'Failed refresh: a constraint, a wrong name and a suspended transaction give errors that say what to fix; the TVIEW is left as it was',
  runbook: '02-refresh-operations/refresh-troubleshooting',
  timeout: '2min',
  async run(t) {
    type PgError = Error & { code?: string; where?: string; detail?: string; hint?: string };

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
      assert.match(result.error ?? '', /CONTEXT: {2}SQL statement "INSERT INTO public\.tv_post \(.*\) SELECT .* FROM tviews\.public__tv_post"/);
      assert.doesNotMatch(result.output, /attempt \d\/3/, 'a constraint violation is not retried');
      const [{ n, title }] = await t.sql<{ n: string; title: string }>(
        `SELECT count(*)::text AS n, max(data->>'title') FILTER (WHERE pk_post = 7) AS title FROM tv_post`,
      );
      assert.equal(n, '2000', 'the failed refresh was rolled back: the TVIEW was not left empty');
      assert.notEqual(title, '');
      await assert.rejects(t.sql(`SELECT tviews.pg_tviews_refresh('post')`), (error: PgError) => error.code === '23514', 'SQLSTATE 23514 check_violation');
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
        (error: PgError) =>
          /violates check constraint "tv_post_title_not_empty"/.test(error.message) &&
          /WITH src AS \(SELECT .* FROM tviews\.public__tv_post WHERE "pk_post" = \$1/.test(error.where ?? ''),
      );
    });

    await t.step('fix: correct the source row (the write passes the constraint), then refresh-one succeeds for post and comment', async () => {
      await t.sql(`UPDATE tb_post SET title = 'Notes on incident 7' WHERE pk_post = 7`);
      const { rows } = await t.snippet('refresh/refresh-one', { entity: 'post' });
      assert.deepEqual(rows, [
        { entity: 'post', differing_rows_after: '0' },
        { entity: 'comment', differing_rows_after: '0' },
      ]);
    });

    await t.step('wrong name: "TVIEW posts does not exist" (42704) with a HINT; tv_post and public.tv_post name the TVIEW too', async () => {
      const result = await t.snippet('refresh/refresh-one', { entity: 'posts' }, { allowError: true });
      assert.match(result.error ?? '', /^ERROR: TVIEW posts does not exist\nHINT: {2}SELECT schema, name, entity FROM tviews\.registry lists the TVIEWs/);
      await assert.rejects(t.sql(`SELECT tviews.pg_tviews_refresh('posts')`), (error: PgError) => error.code === '42704');
      for (const name of ['tv_post', 'public.tv_post']) {
        const { rows } = await t.snippet('refresh/refresh-one', { entity: name });
        assert.deepEqual(rows.map((r) => r.entity), ['post', 'comment'], name);
      }
    });

    await t.step('suspended: in a transaction that called pg_tviews_suspend_triggers(), refresh_all refuses (55000); refresh of one TVIEW works; the commit catches up', async () => {
      const s = await t.session('suspender');
      await s.query('BEGIN');
      await s.query('SELECT tviews.pg_tviews_suspend_triggers()');
      await s.query(`UPDATE tb_post SET title = 'written while suspended' WHERE pk_post = 11`);
      assert.deepEqual(await s.query('SELECT tviews.pg_tviews_is_suspended() AS suspended'), [{ suspended: true }]);
      const [{ before }] = await s.query<{ before: string }>(`SELECT data->>'title' AS before FROM tv_post WHERE pk_post = 11`);
      assert.notEqual(before, 'written while suspended', 'while suspended, writes do not reach the TVIEWs');
      await s.query('SAVEPOINT before_refresh_all');
      await assert.rejects(
        s.query('SELECT tviews.pg_tviews_refresh_all()'),
        (error: PgError) => error.code === '55000' && /Cannot refresh: triggers are suspended/.test(error.message),
      );
      await s.query('ROLLBACK TO SAVEPOINT before_refresh_all');
      await s.query(`SELECT tviews.pg_tviews_refresh('user')`);
      await s.query('COMMIT');
      assert.deepEqual(await s.query('SELECT tviews.pg_tviews_is_suspended() AS suspended'), [{ suspended: false }], 'suspension ended with the transaction');
      const [{ after }] = await t.sql<{ after: string }>(`SELECT data->>'title' AS after FROM tv_post WHERE pk_post = 11`);
      assert.equal(after, 'written while suspended', 'the commit caught tv_post up');
      for (const entity of ['post', 'comment']) {
        const [row] = (await t.snippet('refresh/verify-equal', { entity })).rows;
        assert.equal(row.status, 'EQUAL', entity);
      }
    });

    await t.step('the session setting pg_tviews.suspend_triggers of older releases is gone: setting it fails (42602)', async () => {
      await assert.rejects(
        t.sql('SET pg_tviews.suspend_triggers = on'),
        (error: PgError) => error.code === '42602' && /invalid configuration parameter name "pg_tviews\.suspend_triggers"/.test(error.message),
      );
    });
  },
});
