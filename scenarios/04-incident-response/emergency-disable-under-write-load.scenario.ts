import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';
import { differingRows, psqlFile, sleep, startPgbench, triggerStates } from './helpers.ts';

/**
 * The emergency this runbook exists for: TVIEW maintenance has to stop while the application
 * keeps writing. Two pgbench clients rename users, retitle posts and add comments throughout.
 * emergency-disable.sql without confirm changes nothing; with it, every pg_tviews trigger is
 * disabled and recorded, writes go on and the TVIEWs fall behind; emergency-restore.sql
 * enables exactly those again and names what to refresh; the batch refresh of that list,
 * still under write load, brings every TVIEW back to its view: no write is lost.
 */
const WRITES = `\\set u random(1, 1000)
\\set p random(1, 2000)
UPDATE tb_user SET name = 'load ' || :u || ' at ' || clock_timestamp() WHERE pk_user = :u;
UPDATE tb_post SET title = 'load ' || :p || ' at ' || clock_timestamp() WHERE pk_post = :p;
INSERT INTO tb_comment (fk_post, fk_user, body) VALUES (:p, :u, 'pgbench comment');
`;

export default defineScenario({
  title: 'Emergency disable under write load, then restore and reconcile: nothing lost',
  runbook: '04-incident-response/emergency-procedures',
  timeout: '3min',
  async run(t) {
    const before = await triggerStates(t);
    assert.equal(Object.keys(before).length, 14, 'the fixture has 14 pg_tviews triggers');
    assert.ok(Object.values(before).every((s) => s === 'O'));

    const load = await startPgbench(t, WRITES, { clients: 2, seconds: 14 });
    try {
      await sleep(1500);

      await t.step('without -v confirm=yes the script prints its plan, refuses (exit 3) and changes nothing', async () => {
        const refused = await psqlFile(t, 'scripts/emergency-disable.sql');
        assert.equal(refused.code, 3, refused.stderr);
        assert.match(refused.stderr, /changed nothing: it needs -v confirm=yes/);
        assert.match(refused.stderr, /not confirmed, nothing was changed/);
        assert.match(refused.stdout, /trg_tview_row_post_on_public_tb_post\s*\|\s*row\s*\|\s*enabled\s*\|\s*disable and record/);
        const wrong = await psqlFile(t, 'scripts/emergency-disable.sql', { confirm: 'y' });
        assert.equal(wrong.code, 3);
        assert.deepEqual(await triggerStates(t), before, 'no trigger changed');
        const [{ schema }] = await t.sql<{ schema: string | null }>(`SELECT to_regnamespace('pgtv_emergency')::text AS schema`);
        assert.equal(schema, null, 'not even the record was created');
      });

      await t.step('disable every TVIEW while pgbench writes: 14 triggers disabled and recorded', async () => {
        const { rows, output } = await t.snippet('scripts/emergency-disable', { confirm: 'yes', only: '*', reason: 'INC-1 load test', lock_timeout: '5s' });
        assert.equal(rows.length, 14);
        assert.ok(rows.every((r) => r.state_now === 'disabled' && r.previous_state === 'enabled'), JSON.stringify(rows));
        assert.match(output, /14 trigger\(s\) disabled in this run, 0 table\(s\) skipped/);
        assert.ok(Object.values(await triggerStates(t)).every((s) => s === 'D'));
        const [{ reason, who }] = await t.sql<{ reason: string; who: string }>(
          `SELECT min(reason) AS reason, min(disabled_by) AS who FROM pgtv_emergency.disabled_trigger`,
        );
        assert.equal(reason, 'INC-1 load test');
        assert.equal(who, 'postgres');
      });

      await t.step('the outage is real: writes go on, no TVIEW follows them, switch-state says NO for each', async () => {
        const [{ before: c0 }] = await t.sql<{ before: number }>(`SELECT count(*)::int AS before FROM tb_comment WHERE body = 'pgbench comment'`);
        await sleep(2500);
        const [{ tb, tv }] = await t.sql<{ tb: number; tv: number }>(
          `SELECT (SELECT count(*)::int FROM tb_comment WHERE body = 'pgbench comment') AS tb,
                  (SELECT count(*)::int FROM tv_comment WHERE data->>'body' = 'pgbench comment') AS tv`,
        );
        assert.ok(tb > c0, `pgbench kept inserting comments (${c0} -> ${tb})`);
        assert.ok(tv < tb, `tv_comment misses the comments written while disabled (${tv} of ${tb})`);
        const state = await t.snippet('incident/switch-state');
        assert.deepEqual(state.results[0].rows.map((r) => `${r[0]}:${r[1]}:${r[4]}`), [
          'comment:NO: every trigger disabled:3',
          'post:NO: every trigger disabled:8',
          'user:NO: every trigger disabled:3',
        ]);
      });

      let refreshOnly = '';
      await t.step('restore while pgbench writes: exactly the 14 recorded triggers come back, and the refresh list names all three', async () => {
        const { rows, output } = await t.snippet('scripts/emergency-restore', { only: '*', lock_timeout: '5s' });
        assert.match(output, /14 trigger\(s\) enabled in this run, 0 table\(s\) skipped/);
        assert.deepEqual(await triggerStates(t), before);
        assert.deepEqual(rows.map((r) => `${r.refresh_order}:${r.entity}`), ['1:post', '2:user', '3:comment']);
        refreshOnly = /refresh\/refresh-batch with -v only=(\S+)/.exec(output)?.[1] ?? '';
        assert.equal(refreshOnly, 'comment,post,user');
      });

      await t.step('reconcile with the batch refresh of that list, still under write load; a call that lost a lock to the writers is run again, as the runbook says', async () => {
        const batch = (only: string) => t.snippet('refresh/refresh-batch', { only, pause: '0', lock_timeout: '10s', statement_timeout: '2min' }, { allowError: true });
        const first = await batch(refreshOnly);
        const lost = first.rows.filter((r) => r.outcome !== 'refreshed');
        // A refresh locks the TVIEWs it rebuilds while pgbench's writes hold locks on them: now and
        // then (twice in about 35 runs) one call lost, and was rolled back alone.
        // Only a lock may be why (its readers are then skipped, saying so).
        for (const r of lost) assert.match(`${r.outcome} ${r.detail}`, /^(failed (40P01|55P03) |skipped depends on )/, `${r.entity} ${r.outcome}: ${r.detail}`);
        const again = lost.length > 0 ? (await batch(lost.map((r) => r.entity).join(','))).rows : [];
        const outcomes = new Map([...first.rows, ...again].map((r) => [r.entity, r.outcome]));
        assert.deepEqual([...outcomes].map(([entity, outcome]) => `${entity}:${outcome}`).sort(), ['comment:refreshed', 'post:refreshed', 'user:refreshed']);
      });
    } finally {
      const result = await load.done;
      assert.equal(result.code, 0, `pgbench: ${result.stderr}`);
    }

    await t.step('after the load: every TVIEW equals its view, and every committed comment is in tv_comment', async () => {
      const result = await load.done;
      assert.ok(result.processed > 20, `pgbench processed ${result.processed} transactions`);
      assert.deepEqual(await differingRows(t), { comment: 0, post: 0, user: 0 });
      for (const entity of ['user', 'post', 'comment']) {
        const { rows } = await t.snippet('refresh/verify-equal', { entity });
        assert.equal(rows[0].status, 'EQUAL', entity);
      }
      const [{ tb, tv }] = await t.sql<{ tb: number; tv: number }>(
        `SELECT (SELECT count(*)::int FROM tb_comment WHERE body = 'pgbench comment') AS tb,
                (SELECT count(*)::int FROM tv_comment WHERE data->>'body' = 'pgbench comment') AS tv`,
      );
      assert.equal(tb, result.processed, 'one comment per committed pgbench transaction');
      assert.equal(tv, tb, 'nothing lost');
    });

    await t.step('both scripts are idempotent: the restore finds nothing, switch-state says yes everywhere', async () => {
      const again = await t.snippet('scripts/emergency-restore', { only: '*' });
      assert.match(again.output, /nothing to restore for these TVIEWs/);
      assert.deepEqual(again.rows, []);
      const state = await t.snippet('incident/switch-state');
      assert.deepEqual(state.results[0].rows.map((r) => r[1]), ['yes', 'yes', 'yes']);
      assert.deepEqual(state.rows, []);
    });
  },
});
