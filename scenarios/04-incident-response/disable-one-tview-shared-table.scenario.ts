import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';
import { differingRows, triggerStates } from './helpers.ts';

/**
 * tb_user feeds two TVIEWs: tv_user (its row, flush and truncate triggers) and tv_post (its
 * delta, flush and truncate triggers); tv_comment reads tv_post. The runbook's warnings, each
 * proven: disabling `user` leaves tv_post and tv_comment following tb_user; disabling `post`
 * also stops tv_comment receiving post and author changes, while new comment rows embed the
 * current data (a mixed state); with `post` off, disabling user's flush trigger by hand leaves
 * tb_user without any flush trigger and autocommit writes fail with 55000; restoring `post`
 * brings its flush trigger back, which stands in for user's still-disabled one; the restore
 * never touches the trigger it did not disable; with only `comment` off, post changes still
 * reach tv_comment through post while its own table is not followed, and a TRUNCATE of that
 * table leaves tv_comment full.
 */
interface PgError {
  code?: string;
  message: string;
}

export default defineScenario({
  title: 'Disabling one TVIEW whose source table another TVIEW shares: what stops and what does not',
  runbook: '04-incident-response/emergency-procedures',
  timeout: '2min',
  async run(t) {
    const authorName = async (pkUser: number) => {
      const [row] = await t.sql<{ tv_user: string; tv_post: string; tv_comment_old: string }>(
        `SELECT (SELECT data->>'name' FROM tv_user WHERE pk_user = $1) AS tv_user,
                (SELECT min(data->'author'->>'name') FROM tv_post WHERE fk_user = $1) AS tv_post,
                (SELECT min(c.data->'post'->'author'->>'name') FROM tv_comment c JOIN tb_post p ON p.pk_post = c.fk_post
                  WHERE p.fk_user = $1 AND c.data->>'body' <> 'written during the outage') AS tv_comment_old`,
        [pkUser],
      );
      return row;
    };

    await t.step('the plan for user names only tb_user\'s three triggers of user, and no other TVIEW affected', async () => {
      const { results } = await t.snippet('scripts/emergency-disable', { confirm: 'no', only: 'user' }, { allowError: true });
      const plan = results.find((r) => r.columns.includes('action'))!;
      assert.deepEqual(plan.rows.map((r) => `${r[1]}.${r[3]}`), ['tb_user.flush', 'tb_user.row', 'tb_user.truncate']);
      const effects = results.find((r) => r.columns.includes('effect'))!;
      assert.deepEqual(effects.rows, []);
    });

    await t.step('user disabled: a rename no longer reaches tv_user, but still reaches tv_post and tv_comment', async () => {
      await t.snippet('scripts/emergency-disable', { confirm: 'yes', only: 'user', reason: 'shared table' });
      await t.sql(`UPDATE tb_user SET name = 'Renamed with user off' WHERE pk_user = 5`);
      const names = await authorName(5);
      assert.notEqual(names.tv_user, 'Renamed with user off', 'tv_user is not maintained');
      assert.equal(names.tv_post, 'Renamed with user off', 'post\'s delta triggers on tb_user still fire');
      assert.equal(names.tv_comment_old, 'Renamed with user off', 'and reach tv_comment through post');
      const state = await t.snippet('incident/switch-state');
      assert.deepEqual(state.results[0].rows.map((r) => `${r[0]}:${r[1]}`), ['comment:yes', 'post:yes', 'user:NO: every trigger disabled']);
      await t.snippet('scripts/emergency-restore', { only: 'user' });
    });

    await t.step('the plan for post warns that comment stops receiving changes through post', async () => {
      const { results } = await t.snippet('scripts/emergency-disable', { confirm: 'no', only: 'post' }, { allowError: true });
      const effects = results.find((r) => r.columns.includes('effect'))!;
      assert.deepEqual(effects.rows, [['comment', 'stops receiving the changes that reach it through post (tb_post, tb_user)']]);
    });

    await t.step('post disabled: tv_user follows, tv_post and the existing tv_comment rows do not, a new comment embeds the new name', async () => {
      await t.snippet('scripts/emergency-disable', { confirm: 'yes', only: 'post', reason: 'shared table' });
      await t.sql(`UPDATE tb_user SET name = 'Renamed with post off' WHERE pk_user = 6`);
      const [{ post }] = await t.sql<{ post: number }>(`SELECT min(pk_post)::int AS post FROM tb_post WHERE fk_user = 6`);
      await t.sql(`INSERT INTO tb_comment (fk_post, fk_user, body) VALUES ($1, 1, 'written during the outage')`, [post]);
      const names = await authorName(6);
      assert.equal(names.tv_user, 'Renamed with post off');
      assert.notEqual(names.tv_post, 'Renamed with post off', 'tv_post is not maintained');
      assert.notEqual(names.tv_comment_old, 'Renamed with post off', 'existing comments miss the change that came through post');
      const [{ fresh }] = await t.sql<{ fresh: string }>(`SELECT data->'post'->'author'->>'name' AS fresh FROM tv_comment WHERE data->>'body' = 'written during the outage'`);
      assert.equal(fresh, 'Renamed with post off', 'a new comment embeds the current author, read through the view');
      const state = await t.snippet('incident/switch-state');
      assert.deepEqual(state.results[0].rows.map((r) => `${r[0]}:${r[1]}:${r[6] ?? ''}`), [
        'comment:PARTLY: a TVIEW it reads through is not maintained:post',
        'post:NO: every trigger disabled:',
        'user:yes:',
      ]);
    });

    await t.step('with post off, disabling user\'s flush trigger by hand leaves tb_user without any: autocommit writes fail with 55000', async () => {
      await t.sql('ALTER TABLE tb_user DISABLE TRIGGER trg_tview_flush_user_on_public_tb_user');
      await assert.rejects(t.sql(`UPDATE tb_user SET name = 'refused' WHERE pk_user = 7`), (error: PgError) => {
        assert.equal(error.code, '55000');
        assert.match(error.message, /cannot commit with 1 queued refreshes for \{"user"\}/);
        return true;
      });
    });

    await t.step('restore post: its flush trigger is back and stands in for user\'s, which the restore left disabled', async () => {
      const { output } = await t.snippet('scripts/emergency-restore', { only: 'post' });
      assert.match(output, /8 trigger\(s\) enabled in this run/);
      assert.match(output, /refresh\/refresh-batch with -v only=post /);
      const states = await triggerStates(t);
      assert.equal(states['tb_user.trg_tview_flush_user_on_public_tb_user'], 'D', 'not recorded, so not touched');
      assert.equal(Object.values(states).filter((s) => s === 'D').length, 1);
      await t.sql(`UPDATE tb_user SET name = 'Renamed with one flush trigger' WHERE pk_user = 7`);
      const names = await authorName(7);
      assert.equal(names.tv_user, 'Renamed with one flush trigger', 'post\'s flush trigger applied user\'s queued refresh');
      assert.equal(names.tv_post, 'Renamed with one flush trigger');
    });

    await t.step('comment disabled: a post change still reaches tv_comment through post; TRUNCATE of tb_comment leaves every row in tv_comment', async () => {
      await t.snippet('scripts/emergency-disable', { confirm: 'yes', only: 'comment' });
      await t.sql(`UPDATE tb_post SET title = 'retitled with comment off' WHERE pk_post = 9`);
      const [{ fresh, total }] = await t.sql<{ fresh: number; total: number }>(
        `SELECT count(*) FILTER (WHERE data->'post'->>'title' = 'retitled with comment off')::int AS fresh, count(*)::int AS total
           FROM tv_comment WHERE fk_post = 9`,
      );
      assert.ok(total > 0 && fresh === total, `every comment of post 9 embeds the new title (${fresh} of ${total})`);
      await t.sql(`UPDATE tb_comment SET body = 'edited with comment off' WHERE pk_comment = 1`);
      const [{ body }] = await t.sql<{ body: string }>(`SELECT data->>'body' AS body FROM tv_comment WHERE pk_comment = 1`);
      assert.notEqual(body, 'edited with comment off', 'but its own table is not followed');
      await t.sql('TRUNCATE tb_comment');
      const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM tv_comment');
      assert.ok(n > 5000, `tv_comment still has its ${n} rows`);
      await t.snippet('scripts/emergency-restore', { only: 'comment' });
    });

    await t.step('put the hand-disabled trigger back, refresh what the restores listed: every TVIEW equals its view', async () => {
      await t.snippet('health/enable-tview-triggers', { entity: 'user' });
      const before = await differingRows(t);
      assert.ok(before.user > 0 && before.post > 0 && before.comment > 0, JSON.stringify(before));
      const { rows } = await t.snippet('refresh/refresh-batch', { only: 'user,post,comment', pause: '0' });
      assert.deepEqual(rows.map((r) => `${r.entity}:${r.outcome}`).sort(), ['comment:refreshed', 'post:refreshed', 'user:refreshed']);
      assert.deepEqual(await differingRows(t), { comment: 0, post: 0, user: 0 });
    });
  },
});
