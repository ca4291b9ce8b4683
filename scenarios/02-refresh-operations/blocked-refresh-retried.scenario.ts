import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * tv_post drifted and needs a refresh, but a session opened a transaction, read tv_post and
 * went idle: it holds an ACCESS SHARE lock until it ends. The refresh with a lock_timeout must
 * fail cleanly (TVIEW unchanged); the runbook's steps must find the blocker, also while a
 * refresh is waiting (and show that the waiting refresh blocks new readers, the reason for
 * lock_timeout); ending the blocker lets the refresh through. A blocker that never touched
 * tv_post: a session idle after inserting a user holds pg_tviews' own lock on tb_user, which a
 * refresh of post (whose rows are linked through tb_user) waits for; the runbook's steps must
 * name it too. Then the retry snippet: it keeps trying while the lock is busy and succeeds
 * once the blocker is gone.
 */
export default defineScenario({
  title: 'Blocked refresh: the lock timeout fails cleanly, the blocker is found and ended, the retry succeeds',
  runbook: '02-refresh-operations/refresh-troubleshooting',
  timeout: '2min',
  async run(t) {
    const blockRefreshes = async (label: string) => {
      const session = await t.session(label);
      await session.query('BEGIN');
      await session.query('SELECT count(*) FROM tv_post');
      return session; // now idle in transaction, holding ACCESS SHARE on tv_post
    };

    await t.step('inject: tv_post drifted (titles changed with its triggers off), and a session sits idle in a transaction that read tv_post', async () => {
      await t.sql(`ALTER TABLE tb_post DISABLE TRIGGER USER`);
      await t.sql(`UPDATE tb_post SET title = title || ' (edited)' WHERE pk_post <= 20`);
      await t.sql(`ALTER TABLE tb_post ENABLE TRIGGER USER`);
    });
    const blocker = await blockRefreshes('blocker');

    await t.step('symptom: refresh-one with a 500 ms lock_timeout fails on the lock; psql stops before the post-check; tv_post unchanged', async () => {
      const result = await t.snippet('refresh/refresh-one', { entity: 'post', lock_timeout: '500ms' }, { allowError: true });
      assert.match(result.error ?? '', /canceling statement due to lock timeout/);
      assert.deepEqual(result.rows, [], 'ON_ERROR_STOP: the post-check did not run');
      const [row] = (await t.snippet('refresh/verify-equal', { entity: 'post' })).rows;
      assert.deepEqual([row.missing_in_tview, row.extra_in_tview], ['20', '20']);
    });

    await t.step('diagnose: lock-precheck names the blocker, idle in transaction, holding AccessShareLock on tv_post', async () => {
      const { rows } = await t.snippet('refresh/lock-precheck', { entity: 'post' });
      assert.deepEqual(
        rows.map((r) => [r.pid, r.locked, r.lock_mode, r.granted, r.state]),
        [[String(blocker.pid), 'tv_post', 'AccessShareLock', 't', 'idle in transaction']],
      );
    });

    await t.step('while a refresh waits: lock-waits shows it blocked by the blocker, and a new reader queued behind the refresh', async () => {
      const refresh = t.snippet('refresh/refresh-one', { entity: 'post', lock_timeout: '20s' });
      refresh.catch(() => undefined); // awaited below
      let waits: Record<string, string | null>[] = [];
      for (let i = 0; i < 100 && !waits.some((w) => w.blocking_pid === String(blocker.pid)); i++) {
        await sleep(100);
        waits = (await t.snippet('troubleshoot/lock-waits')).rows;
      }
      const refreshWait = waits.find((w) => w.blocking_pid === String(blocker.pid));
      assert.ok(refreshWait, `lock-waits should show the refresh blocked by ${blocker.pid}: ${JSON.stringify(waits)}`);
      assert.equal(refreshWait.waiting_for, 'tv_post AccessExclusiveLock');
      assert.equal(refreshWait.blocking_state, 'idle in transaction');
      assert.match(refreshWait.waiting_query ?? '', /pg_tviews_refresh/);

      // A reader arriving now waits too, though the blocker only reads: it queues behind the refresh.
      const reader = await t.session('late-reader');
      await reader.query(`SET lock_timeout = '300ms'`);
      await assert.rejects(reader.query('SELECT count(*) FROM tv_post'), /lock timeout/);

      const { rows: ended } = await t.snippet('troubleshoot/end-blocking-session', { pid: String(blocker.pid) });
      assert.deepEqual(ended.map((r) => [r.pid, r.state, r.terminated]), [[String(blocker.pid), 'idle in transaction', 't']]);

      const { rows } = await refresh;
      assert.deepEqual(rows, [
        { entity: 'post', differing_rows_after: '0' },
        { entity: 'comment', differing_rows_after: '0' },
      ]);
      const { rows: again } = await t.snippet('troubleshoot/end-blocking-session', { pid: String(blocker.pid) });
      assert.deepEqual(again, [], 'a pid that no longer blocks anything is left alone');
    });

    await t.step('a writer blocks too: a session idle after inserting a user holds pg_tviews\' lock on tb_user; the steps name it', async () => {
      const writer = await t.session('writer');
      await writer.query('BEGIN');
      await writer.query(`INSERT INTO tb_user (identifier, name, email) VALUES ('user-idle', 'Idle Writer', 'user-idle@example.test')`);
      const { rows: holders } = await t.snippet('refresh/lock-precheck', { entity: 'post' });
      assert.deepEqual(
        holders.map((r) => [r.pid, r.locked, r.lock_mode, r.state]),
        [[String(writer.pid), 'pg_tviews lock on tb_user', 'RowExclusiveLock', 'idle in transaction']],
        'the writer holds no lock on tv_post or tv_comment, only pg_tviews\' lock on a table post reads',
      );

      // At REPEATABLE READ pg_tviews does not wait for such a writer: the refresh fails at once.
      const repeatable = await t.session('repeatable-read');
      await repeatable.query(`SET lock_timeout = '2s'`);
      await repeatable.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await assert.rejects(repeatable.query(`SELECT tviews.pg_tviews_refresh('post')`), (error: Error & { code?: string }) => {
        assert.equal(`${error.code} ${error.message}`, '40001 could not serialize access: a concurrent transaction changes rows this TVIEW refresh reads');
        return true;
      });
      await repeatable.query('ROLLBACK');

      const refresh = t.snippet('refresh/refresh-one', { entity: 'post', lock_timeout: '20s' });
      refresh.catch(() => undefined); // awaited below
      let waits: Record<string, string | null>[] = [];
      for (let i = 0; i < 100 && !waits.some((w) => w.blocking_pid === String(writer.pid)); i++) {
        await sleep(100);
        waits = (await t.snippet('troubleshoot/lock-waits')).rows;
      }
      const refreshWait = waits.find((w) => w.blocking_pid === String(writer.pid));
      assert.ok(refreshWait, `lock-waits should show the refresh blocked by ${writer.pid}: ${JSON.stringify(waits)}`);
      assert.equal(refreshWait.waiting_for, 'pg_tviews lock on tb_user ShareLock');
      assert.match(refreshWait.waiting_query ?? '', /pg_tviews_refresh/);

      await writer.query('COMMIT');
      const { rows } = await refresh;
      assert.deepEqual(rows.map((r) => r.differing_rows_after), ['0', '0'], 'the refresh went through once the writer committed');
    });

    await t.step('retry: refresh-retry fails its first attempts on the lock, names the holder, and succeeds once the holder commits', async () => {
      await t.sql(`ALTER TABLE tb_post DISABLE TRIGGER USER`);
      await t.sql(`UPDATE tb_post SET title = title || ' (again)' WHERE pk_post <= 5`);
      await t.sql(`ALTER TABLE tb_post ENABLE TRIGGER USER`);
      const holder = await blockRefreshes('holder');
      const retry = t.snippet('troubleshoot/refresh-retry', { entity: 'post', attempts: '10', lock_timeout: '300ms', pause: '0.2' });
      retry.catch(() => undefined);
      await sleep(1200);
      await holder.query('COMMIT');
      const result = await retry;
      assert.match(result.output, new RegExp(`attempt 1/10 failed \\(SQLSTATE 55P03\\): canceling statement due to lock timeout; locks held by: pid ${holder.pid} \\(idle in transaction\\) AccessShareLock on tv_post`));
      assert.match(result.output, /attempt ([2-9]|10)\/10: public\.tv_post refreshed/);
      assert.deepEqual(result.rows, [
        { entity: 'post', differing_rows_after: '0' },
        { entity: 'comment', differing_rows_after: '0' },
      ]);
    });

    await t.step('retry gives up: with the lock held throughout, it stops after its attempts with an error and the TVIEW unchanged', async () => {
      await t.sql(`ALTER TABLE tb_post DISABLE TRIGGER USER`);
      await t.sql(`UPDATE tb_post SET title = title || ' (third)' WHERE pk_post <= 3`);
      await t.sql(`ALTER TABLE tb_post ENABLE TRIGGER USER`);
      const holder = await blockRefreshes('holder-2');
      const result = await t.snippet('troubleshoot/refresh-retry', { entity: 'post', attempts: '2', lock_timeout: '200ms', pause: '0.1' }, { allowError: true });
      assert.match(result.error ?? '', /public\.tv_post not refreshed after 2 attempts/);
      await holder.query('ROLLBACK');
      const [row] = (await t.snippet('refresh/verify-equal', { entity: 'post' })).rows;
      assert.deepEqual([row.missing_in_tview, row.extra_in_tview], ['3', '3']);
    });
  },
});
