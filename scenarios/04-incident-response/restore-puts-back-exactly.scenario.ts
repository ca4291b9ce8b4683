import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';
import { psqlFile, triggerStates } from './helpers.ts';

/**
 * The restore puts back exactly what the disable changed, and nothing else. Before the
 * emergency, a migration had left tb_comment's truncate trigger disabled, a replication setup
 * had made user's row trigger ENABLE REPLICA and post's flush trigger on tb_post ENABLE
 * ALWAYS. An open writer on tb_comment makes the first disable skip that table (exit 3); the
 * second run completes without recording anything twice; a trigger re-enabled by hand is
 * disabled again under its first record; a trigger dropped meanwhile is reported as gone. After
 * the restore every surviving trigger is in its state from before the emergency: the
 * migration's disabled trigger stays disabled, REPLICA and ALWAYS come back as such.
 */
export default defineScenario({
  title: 'emergency-restore.sql puts back exactly what emergency-disable.sql disabled, and nothing else',
  runbook: '04-incident-response/emergency-procedures',
  timeout: '2min',
  async run(t) {
    await t.sql('ALTER TABLE tb_comment DISABLE TRIGGER trg_tview_truncate_comment_on_public_tb_comment');
    await t.sql('ALTER TABLE tb_user ENABLE REPLICA TRIGGER trg_tview_row_user_on_public_tb_user');
    await t.sql('ALTER TABLE tb_post ENABLE ALWAYS TRIGGER trg_tview_flush_post_on_public_tb_post');
    const before = await triggerStates(t);
    assert.equal(before['tb_comment.trg_tview_truncate_comment_on_public_tb_comment'], 'D');
    assert.equal(before['tb_user.trg_tview_row_user_on_public_tb_user'], 'R');
    assert.equal(before['tb_post.trg_tview_flush_post_on_public_tb_post'], 'A');

    await t.step('the plan shows each state and leaves the already disabled trigger alone', async () => {
      const { results } = await t.snippet('scripts/emergency-disable', { confirm: 'no' }, { allowError: true });
      const plan = Object.fromEntries(results.find((r) => r.columns.includes('action'))!.rows.map((r) => [r[2], `${r[4]} / ${r[5]}`]));
      assert.equal(plan.trg_tview_truncate_comment_on_public_tb_comment, 'disabled before, not by this script / none (stays disabled after a restore)');
      assert.equal(plan.trg_tview_row_user_on_public_tb_user, 'enabled (REPLICA) / disable and record');
      assert.equal(plan.trg_tview_flush_post_on_public_tb_post, 'enabled (ALWAYS) / disable and record');
    });

    await t.step('an open writer on tb_comment: that table is skipped on lock timeout (exit 3), the others are done', async () => {
      const writer = await t.session('open-writer');
      await writer.query('BEGIN');
      await writer.query(`UPDATE tb_comment SET body = body WHERE pk_comment = 1`);
      const run = await psqlFile(t, 'scripts/emergency-disable.sql', { confirm: 'yes', lock_timeout: '1s', reason: 'INC-2' });
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stderr, /WARNING:  skipped tb_comment: its lock was not granted within lock_timeout 1s/);
      assert.match(run.stderr, /tables skipped on lock timeout: tb_comment/);
      const states = await triggerStates(t);
      assert.equal(states['tb_comment.trg_tview_row_comment_on_public_tb_comment'], 'O', 'tb_comment untouched');
      assert.equal(states['tb_post.trg_tview_row_post_on_public_tb_post'], 'D');
      await writer.query('ROLLBACK');
      await writer.end();
    });

    await t.step('run again: tb_comment is done, 13 triggers recorded once each, with their previous state', async () => {
      const { output } = await t.snippet('scripts/emergency-disable', { confirm: 'yes', reason: 'INC-2' });
      assert.match(output, /2 trigger\(s\) disabled in this run, 0 table\(s\) skipped/);
      const recorded = await t.sql<{ trigger_name: string; previous_state: string }>(
        `SELECT trigger_name, previous_state::text AS previous_state FROM pgtv_emergency.disabled_trigger ORDER BY 1`,
      );
      assert.equal(recorded.length, 13);
      const previous = Object.fromEntries(recorded.map((r) => [r.trigger_name, r.previous_state]));
      assert.equal(previous.trg_tview_row_user_on_public_tb_user, 'R');
      assert.equal(previous.trg_tview_flush_post_on_public_tb_post, 'A');
      assert.equal(previous.trg_tview_truncate_comment_on_public_tb_comment, undefined);
      const third = await t.snippet('scripts/emergency-disable', { confirm: 'yes' });
      assert.match(third.output, /0 trigger\(s\) disabled in this run/);
    });

    await t.step('a recorded trigger enabled by hand is disabled again under its first record', async () => {
      await t.sql('ALTER TABLE tb_user ENABLE TRIGGER trg_tview_row_user_on_public_tb_user');
      const { output, rows } = await t.snippet('scripts/emergency-disable', { confirm: 'yes' });
      assert.match(output, /disabled trg_tview_row_user_on_public_tb_user on tb_user again \(recorded by an earlier run, still to restore\)/);
      assert.equal(rows.length, 13);
      const [{ previous }] = await t.sql<{ previous: string }>(
        `SELECT previous_state::text AS previous FROM pgtv_emergency.disabled_trigger WHERE trigger_name = 'trg_tview_row_user_on_public_tb_user'`,
      );
      assert.equal(previous, 'R');
    });

    await t.step('a recorded trigger dropped meanwhile is reported as gone; every other one is back in its state from before', async () => {
      await t.sql('DROP TRIGGER trg_tview_truncate_user_on_public_tb_user ON tb_user');
      const { output } = await t.snippet('scripts/emergency-restore');
      assert.match(output, /nothing to enable: trg_tview_truncate_user_on_public_tb_user on tb_user no longer exists/);
      assert.match(output, /12 trigger\(s\) enabled in this run/);
      const [{ result }] = await t.sql<{ result: string }>(
        `SELECT restore_result AS result FROM pgtv_emergency.disabled_trigger WHERE trigger_name = 'trg_tview_truncate_user_on_public_tb_user'`,
      );
      assert.equal(result, 'trigger gone');
      const after = await triggerStates(t);
      const expected = { ...before };
      delete expected['tb_user.trg_tview_truncate_user_on_public_tb_user'];
      assert.deepEqual(after, expected);
    });

    await t.step('re-registering user brings the dropped trigger back; the restore has nothing left to do', async () => {
      const { rows } = await t.snippet('health/reregister-tview', { entity: 'user' });
      assert.equal(rows[0].result, 'reregistered');
      assert.equal((await triggerStates(t))['tb_user.trg_tview_truncate_user_on_public_tb_user'], 'O');
      const again = await t.snippet('scripts/emergency-restore');
      assert.match(again.output, /0 trigger\(s\) enabled in this run/);
    });
  },
});
