import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Two ways pg_tviews' triggers end up disabled. First a migration disables only the flush
 * trigger of tv_comment on tb_comment: single-statement writes to tb_comment then fail at
 * commit with 55000 (their refresh stays queued). Then a bulk load disables every pg_tviews
 * trigger on tb_post, is aborted before enabling them again, and posts change meanwhile:
 * nothing fails, tv_post and tv_comment (reached through tv_post) silently drift, and the
 * refresh counters of tv_post stand still. The checks must show both, enabling the triggers
 * must bring writes through again, and a refresh must repair the rows.
 */
export default defineScenario({
  title: 'TVIEW triggers left disabled are found, enabled, and the drift refreshed',
  runbook: '01-health-monitoring/tview-health-check',
  async run(t) {
    await t.step('inject: disable only the flush trigger of tv_comment; a single-statement write to tb_comment fails with 55000, one in a transaction does not', async () => {
      await t.sql('ALTER TABLE tb_comment DISABLE TRIGGER trg_tview_flush_comment_on_public_tb_comment');
      const app = await t.session('app');
      await assert.rejects(app.query(`UPDATE tb_comment SET body = 'lost' WHERE pk_comment = 1`), (error: Error & { code?: string }) => {
        assert.equal(error.code, '55000');
        assert.match(error.message, /cannot commit with 1 queued refreshes for \{"comment"\}.*missing flush trigger/);
        return true;
      });
      const [{ body }] = await t.sql<{ body: string }>(`SELECT body FROM tb_comment WHERE pk_comment = 1`);
      assert.notEqual(body, 'lost', 'the write was rolled back');
      await app.query('BEGIN');
      await app.query(`UPDATE tb_comment SET body = 'in a transaction' WHERE pk_comment = 2`);
      await app.query('COMMIT');
      await app.end();
      const [{ tview }] = await t.sql<{ tview: string }>(`SELECT data->>'body' AS tview FROM tv_comment WHERE pk_comment = 2`);
      assert.equal(tview, 'in a transaction', 'the same write inside an explicit transaction commits, and reaches tv_comment');
    });

    await t.step('diagnose and fix: comment is TRIGGERS_DISABLED; enabling its trigger lets the write through', async () => {
      const catalog = await t.snippet('health/tview-catalog');
      assert.equal(catalog.rows[0].entity, 'comment');
      assert.equal(catalog.rows[0].status, 'TRIGGERS_DISABLED');
      const health = await t.snippet('health/health-check');
      const triggers = health.rows.find((r) => r.component === 'triggers')!;
      assert.equal(triggers.status, 'ERROR');
      assert.match(triggers.message ?? '', /1 disabled trigger .*trg_tview_flush_comment_on_public_tb_comment/);
      const { rows, output } = await t.snippet('health/enable-tview-triggers', { entity: 'comment' });
      assert.deepEqual(rows, [{ entity: 'comment', enabled_triggers: '3', disabled_triggers: '0' }]);
      assert.match(output, /enabled trigger trg_tview_flush_comment_on_public_tb_comment on tb_comment \(was disabled\)/);
      await t.sql(`UPDATE tb_comment SET body = 'kept' WHERE pk_comment = 1`);
      const [{ body }] = await t.sql<{ body: string }>(`SELECT data->>'body' AS body FROM tv_comment WHERE pk_comment = 1`);
      assert.equal(body, 'kept');
    });

    await t.step('inject: disable all pg_tviews triggers on tb_post and edit 40 posts; nothing fails', async () => {
      await t.sql(`DO $$ DECLARE r record; BEGIN
          FOR r IN SELECT tgname FROM pg_trigger WHERE tgrelid = 'tb_post'::regclass AND tgname LIKE 'trg_tview_%' LOOP
            EXECUTE format('ALTER TABLE tb_post DISABLE TRIGGER %I', r.tgname);
          END LOOP; END $$`);
      await t.sql(`UPDATE tb_post SET title = title || ' (bulk)' WHERE pk_post <= 40`);
    });

    await t.step('diagnose (quick): post TRIGGERS_DISABLED, comment UPSTREAM_PROBLEM through post, user OK; pg_tviews reports them', async () => {
      const { rows } = await t.snippet('health/tview-catalog');
      assert.deepEqual(rows.map((r) => `${r.entity}:${r.status}:${r.disabled_triggers}:${r.upstream}`), [
        'comment:UPSTREAM_PROBLEM:0:post',
        'post:TRIGGERS_DISABLED:3:',
        'user:OK:0:',
      ]);
      assert.match(rows[0].next_step ?? '', /fix post first/);
      const health = await t.snippet('health/health-check');
      const triggers = health.rows.find((r) => r.component === 'triggers')!;
      assert.equal(triggers.status, 'ERROR');
      assert.match(triggers.message ?? '', /^3 disabled triggers/);
      const problems = await t.snippet('health/trigger-problems');
      assert.deepEqual(problems.rows.map((r) => `${r.problem}:${r.entity}:${r.kind}`), ['DISABLED:post:flush', 'DISABLED:post:row', 'DISABLED:post:truncate']);
    });

    await t.step('diagnose: the refresh counters of tv_post did not move for the 40 edits', async () => {
      const { rows } = await t.snippet('health/refresh-counters');
      const post = rows.find((r) => r.entity === 'post')!;
      assert.equal(post.rows_written, '0');
      assert.equal(post.view_recomputes, '0');
    });

    await t.step('diagnose (sampled): both DRIFTED, 40 stale posts', async () => {
      const { rows } = await t.snippet('health/tview-drift-sample', { sample_rows: '100000' });
      const by = Object.fromEntries(rows.map((r) => [r.entity, r]));
      assert.equal(by.post.status, 'DRIFTED');
      assert.equal(by.post.differing_rows, '40');
      assert.equal(by.comment.status, 'DRIFTED');
      assert.equal(by.user.status, 'OK');
    });

    await t.step('remedy: enable the triggers of post; the catalog is OK again', async () => {
      const { rows, output } = await t.snippet('health/enable-tview-triggers', { entity: 'post' });
      assert.deepEqual(rows, [{ entity: 'post', enabled_triggers: '8', disabled_triggers: '0' }]);
      assert.equal(output.match(/enabled trigger/g)?.length, 3);
      const catalog = await t.snippet('health/tview-catalog');
      assert.deepEqual(catalog.rows.map((r) => r.status), ['OK', 'OK', 'OK']);
    });

    await t.step('remedy: refresh post, which refreshes comment too', async () => {
      const { rows } = await t.snippet('refresh/refresh-one', { entity: 'post' });
      for (const row of rows) assert.equal(row.differing_rows_after, '0', `${row.entity} still differs`);
    });

    await t.step('verify: the exact check is OK everywhere, a new edit reaches both TVIEWs and moves the counters', async () => {
      await t.sql(`UPDATE tb_post SET title = 'after the fix' WHERE pk_post = 41`);
      const { rows } = await t.snippet('health/tview-status');
      assert.deepEqual(rows.map((r) => `${r.entity}:${r.status}:${r.differing_rows}`), ['comment:OK:0', 'post:OK:0', 'user:OK:0']);
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tv_comment WHERE fk_post = 41 AND data->'post'->>'title' = 'after the fix'`);
      const [{ c }] = await t.sql<{ c: number }>(`SELECT count(*)::int AS c FROM tb_comment WHERE fk_post = 41`);
      assert.equal(n, c);
      const counters = await t.snippet('health/refresh-counters');
      assert.ok(Number(counters.rows.find((r) => r.entity === 'post')!.rows_written) > 0);
    });
  },
});
