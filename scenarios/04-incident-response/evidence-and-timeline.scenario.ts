import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * A small incident is played out, then the review's evidence is collected as the runbook
 * says. With the audit log turned on for the database, a TVIEW is created and dropped; the
 * triggers of comment are disabled with emergency-disable.sql and restored; a statement is
 * refused by backpressure; a DO block commits while suspended; a prepared transaction is left
 * open. The timeline lists these in order with who and why; the audit log has the creation
 * with its definition and the drop; refresh-cost and tviews.stats show the refresh work;
 * the prepared transaction is listed; the server log scan counts the refused statement and
 * the suspended commit; the emergency record cannot be dropped while a trigger is still to
 * restore, and is dropped after.
 */
interface PgError {
  code?: string;
  message: string;
}

export default defineScenario({
  title: 'The review\'s evidence: timeline, audit log, refresh cost, prepared transactions and log lines of an incident',
  runbook: '04-incident-response/post-incident-review',
  timeout: '2min',
  async run(t) {
    const [{ since, log_since: logSince, db, data_dir: dataDir, log_file: logFile }] = await t.sql<{ since: string; log_since: string; db: string; data_dir: string; log_file: string | null }>(
      `SELECT (now() - interval '1 second')::text AS since,
              to_char((now() - interval '1 second') AT TIME ZONE current_setting('log_timezone'), 'YYYY-MM-DD HH24:MI:SS') AS log_since,
              current_database() AS db, current_setting('data_directory') AS data_dir, pg_current_logfile() AS log_file`,
    );

    await t.step('play the incident out', async () => {
      await t.sql(`ALTER DATABASE "${db}" SET pg_tviews.audit_enabled = on`);
      const dba = await t.session('dba');
      await dba.query(`CREATE TABLE tv_author AS SELECT u.pk_user AS pk_author, u.id, jsonb_build_object('name', u.name) AS data FROM tb_user u`);
      await dba.query(`SELECT tviews.pg_tviews_drop('author')`);
      await dba.end();
      await t.snippet('scripts/emergency-disable', { confirm: 'yes', only: 'comment', reason: 'INC-42 review drill' });
      await t.sql(`INSERT INTO tb_comment (fk_post, fk_user, body) VALUES (1, 1, 'written while comment was off')`);
      const refused = await t.snippet('incident/drop-emergency-record', {}, { allowError: true });
      assert.match(refused.error ?? '', /3 recorded triggers are still to restore; nothing was dropped/);
      await t.snippet('scripts/emergency-restore', { only: 'comment' });
      await t.snippet('refresh/refresh-batch', { only: 'comment', pause: '0' });
      const app = await t.session('app');
      await app.query(`SET pg_tviews.max_queue_size = 5`);
      await assert.rejects(app.query(`UPDATE tb_user SET name = name || ' (review drill)' WHERE pk_user <= 10`), (error: PgError) => error.code === '54000');
      await app.query(`DO $$ BEGIN PERFORM tviews.pg_tviews_suspend_triggers(); UPDATE tb_user SET name = 'suspended in the drill' WHERE pk_user = 11; END $$`);
      await app.query('BEGIN');
      await app.query(`UPDATE tb_post SET title = 'prepared in the drill' WHERE pk_post = 12`);
      await app.query(`PREPARE TRANSACTION 'review-open-gid'`);
      await app.end();
    });

    await t.step('timeline: audit entries, the disable and restore with who and why, the open prepared transaction, in order', async () => {
      const { rows } = await t.snippet('incident/timeline', { since });
      const events = rows.map((r) => `${r.source}: ${r.event}`);
      const at = (pattern: RegExp) => {
        const index = events.findIndex((e) => pattern.test(e));
        assert.ok(index >= 0, `${pattern} in\n${events.join('\n')}`);
        return index;
      };
      const create = at(/^pg_tviews audit log: CREATE author by postgres$/);
      const drop = at(/^pg_tviews audit log: DROP author by postgres$/);
      const disabled = at(/^emergency-disable\.sql: 3 triggers of comment disabled by postgres$/);
      const restored = at(/^emergency-restore\.sql: 3 triggers of comment restored by postgres$/);
      const prepared = at(/^prepared transaction: prepared review-open-gid by postgres, still not finished$/);
      assert.ok(create <= drop && drop <= disabled && disabled <= restored && restored <= prepared, events.join('\n'));
      assert.match(rows[disabled].detail ?? '', /reason: INC-42 review drill; tables: tb_comment/);
      assert.equal(rows.at(-1)!.event, 'timeline taken');
    });

    await t.step('audit log: the creation with its definition, and the drop', async () => {
      const { rows, results } = await t.snippet('incident/audit-log', { since });
      assert.deepEqual(results[0].rows[0].slice(0, 3), ['on', 'database', 't'], 'on for new sessions of this database, readable by a superuser');
      assert.deepEqual(rows.map((r) => `${r.operation} ${r.entity} ${r.performed_by}`), ['CREATE author postgres', 'DROP author postgres']);
      assert.match(rows[0].details ?? '', /"definition": "SELECT u\.pk_user AS pk_author/);
    });

    await t.step('refresh cost: pg_tviews\' refresh statements for comment, the rebuild of the reconcile, and the source writes', async () => {
      const { rows, results } = await t.snippet('incident/refresh-cost');
      assert.equal(results[0].rows[0][3], 'complete since counting_since');
      const kinds = rows.map((r) => `${r.kind}:${r.relation}`);
      assert.ok(kinds.includes('refresh:comment'), kinds.join(', '));
      assert.ok(kinds.includes('rebuild:comment'), kinds.join(', '));
      assert.ok(kinds.includes('source write:tb_comment'), kinds.join(', '));
      assert.ok(kinds.includes('manual refresh:pg_tviews_refresh'), kinds.join(', '));
      const stats = await t.snippet('perf/refresh-stats');
      const comment = stats.rows.find((r) => r.entity === 'comment')!;
      assert.ok(Number(comment.full_refreshes) >= 1 && Number(comment.rows_written) >= 1, JSON.stringify(comment));
      const prepared = await t.snippet('queue/prepared-transactions');
      assert.deepEqual(prepared.rows.map((r) => r.gid), ['review-open-gid']);
    });

    // The server log is readable only where the server runs on this machine (local provider).
    const candidates = [logFile ? path.resolve(dataDir, logFile) : undefined, path.join(dataDir, '..', 'postgres.log')].filter((f): f is string => Boolean(f));
    let found: string | undefined;
    for (const file of candidates) if (await access(file).then(() => true, () => false)) { found = file; break; }
    await t.step(found ? 'server log: the refused statement and the suspended commit are counted' : 'server log: not readable from this machine (docker or url provider), not checked', async () => {
      if (!found) return;
      const { output, exitCode } = await t.snippet('incident/log-lines', { log_file: found, since: logSince });
      assert.equal(exitCode, 0);
      assert.match(output, /^\d+\s+\S+ \S+\s+\S+ \S+\s+statement refused: refresh queue backpressure \(max_queue_size\)$/m);
      assert.match(output, /^\d+\s+\S+ \S+\s+\S+ \S+\s+committed while suspended: TVIEWs left stale$/m);
      assert.match(output, /WARNING:  pg_tviews: transaction committed with refresh suspended; TVIEWs \[("post", )?"user"\]/);
      assert.match(output, /ERROR:  refresh queue backpressure: queue size \(\d+\) would exceed max_queue_size \(5\)/);
    });

    await t.step('close: finish the drill\'s prepared transaction, drop the emergency record', async () => {
      await t.snippet('scripts/queue-cleanup', { action: 'rollback', gid: 'review-open-gid' });
      const { output } = await t.snippet('incident/drop-emergency-record');
      assert.match(output, /dropped pgtv_emergency\.disabled_trigger and the schema pgtv_emergency/);
      const again = await t.snippet('incident/drop-emergency-record');
      assert.match(again.output, /nothing to drop/);
    });
  },
});
