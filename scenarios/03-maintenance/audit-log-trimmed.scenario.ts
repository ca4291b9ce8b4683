import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defineScenario } from '../../src/verify/scenario.ts';

const run = promisify(execFile);
const exportSnippet = fileURLToPath(new URL('../../snippets/maintenance/audit-log-export.sql', import.meta.url));

/**
 * With pg_tviews.audit_enabled on, the audit log records TVIEW creations and drops and, for
 * every write statement, one REFRESH entry per TVIEW the statement refreshed (a full refresh
 * with pg_tviews_refresh records nothing): it grows with the application's writes. pg_dump
 * leaves its rows out. The regular-maintenance runbook must show its size and growth, export
 * exactly the entries it then trims, trim only those, and the export must load back (its undo).
 */
export default defineScenario({
  title: 'The audit log grows with every write while auditing is on; its old entries are exported, trimmed, and can be loaded back',
  runbook: '03-maintenance/regular-maintenance',
  timeout: '2min',
  async run(t) {
    const [{ db }] = await t.sql<{ db: string }>(`SELECT current_database() AS db`);
    const cutoff = '2026-01-01';
    const psql = path.join(t.target.binDir, 'psql');
    const directory = await t.tempDir('export');
    try {
      let writer: Awaited<ReturnType<typeof t.session>>;
      await t.step('inject: auditing on for this database; a TVIEW created and dropped, writes, a full refresh', async () => {
        await t.sql(`ALTER DATABASE "${db}" SET pg_tviews.audit_enabled = on`);
        writer = await t.session('writer');
        const [{ on }] = await writer.query<{ on: string }>(`SELECT current_setting('pg_tviews.audit_enabled') AS on`);
        assert.equal(on, 'on');
        await writer.query(`CREATE TABLE tv_author AS SELECT u.pk_user AS pk_author, u.id, jsonb_build_object('name', u.name) AS data FROM tb_user u`);
        await writer.query(`DROP TABLE tv_author`);
        await writer.query(`UPDATE tb_user SET name = name || ' (audited)' WHERE pk_user = 3`); // reaches user, post, comment
        await writer.query(`UPDATE tb_comment SET body = body || ' (audited)' WHERE pk_comment BETWEEN 1 AND 10`); // comment only
        await writer.query(`BEGIN`);
        await writer.query(`UPDATE tb_comment SET body = body || ' (rolled back)' WHERE pk_comment = 20`);
        await writer.query(`ROLLBACK`);
        await writer.query(`SELECT tviews.pg_tviews_refresh('post')`);
      });

      await t.step('what was logged: creation and drop, one REFRESH per TVIEW per committed write statement, nothing for the full refresh', async () => {
        const rows = await t.sql<{ operation: string; entity: string; rows_affected: string | null }>(
          `SELECT operation, entity, rows_affected::text FROM tviews.pg_tview_audit_log ORDER BY log_id`,
        );
        const logged = rows.map((r) => `${r.operation} ${r.entity}`);
        assert.deepEqual(logged.slice(0, 2), ['CREATE author', 'DROP author']);
        assert.deepEqual(logged.slice(2).sort(), ['REFRESH comment', 'REFRESH comment', 'REFRESH post', 'REFRESH user']);
        const comments = rows.filter((r) => r.operation === 'REFRESH' && r.entity === 'comment').map((r) => Number(r.rows_affected)).sort((a, b) => a - b);
        assert.equal(comments[1], 10, 'the edit of 10 comments: one entry, 10 rows');
      });

      await t.step('status: size, growth, entries before the cut-off (backdated here), and pg_dump leaves the rows out', async () => {
        // Four entries made old, as months of auditing leave them.
        await t.sql(`UPDATE tviews.pg_tview_audit_log SET performed_at = timestamptz '2025-06-01 00:00+00' + log_id * interval '1 day' WHERE log_id IN (SELECT log_id FROM tviews.pg_tview_audit_log ORDER BY log_id LIMIT 4)`);
        const { rows } = await t.snippet('maintenance/audit-log-status', { before: cutoff });
        assert.equal(rows[0].audit_enabled, 'on', 'the snippet\'s session inherits the database setting');
        assert.equal(rows[0].entries, '6');
        assert.equal(rows[0].entries_before_cutoff, '4');
        assert.equal(rows[0].entries_last_24h, '2');
        assert.equal(rows[0].by_operation, 'CREATE 1, DROP 1, REFRESH 4');
        assert.equal(rows[0].kept_by_pg_dump, 'f');
        const dump = await run(path.join(t.target.binDir, 'pg_dump'), ['--data-only', '-d', t.databaseUrl], { maxBuffer: 256 * 1024 * 1024 });
        assert.match(dump.stdout, /COPY tviews\.pg_tview_meta /, 'the registrations are dumped (a configuration table of the extension)');
        assert.doesNotMatch(dump.stdout, /pg_tview_audit_log \(/, 'the audit entries are not');
      });

      const file = path.join(directory, `tviews-audit-before-${cutoff}.csv`);
      await t.step('export the entries before the cut-off, as the runbook runs it (psql --csv -o)', async () => {
        const { rows } = await t.snippet('maintenance/audit-log-export', { before: cutoff });
        assert.equal(rows.length, 4);
        assert.deepEqual(rows.map((r) => r.operation), ['CREATE', 'DROP', 'REFRESH', 'REFRESH']);
        await run(psql, ['-X', '-v', 'ON_ERROR_STOP=1', '-v', `before=${cutoff}`, '--csv', '-o', file, '-f', exportSnippet, t.databaseUrl]);
        const lines = (await readFile(file, 'utf8')).trim().split('\n');
        assert.equal(lines.length, 5, 'a header and four entries');
        assert.match(lines[0], /^log_id,operation,entity,performed_by,performed_at/);
      });

      await t.step('trim: exactly those four go; the recent entries stay', async () => {
        const { rows } = await t.snippet('maintenance/audit-log-trim', { before: cutoff });
        assert.equal(rows[0].deleted, '4');
        assert.equal(rows[0].entries_left, '2');
        assert.ok(new Date(rows[0].oldest_left!) >= new Date(cutoff));
        const again = await t.snippet('maintenance/audit-log-trim', { before: cutoff });
        assert.equal(again.rows[0].deleted, '0', 'running it again removes nothing more');
      });

      await t.step('undo: the export loads back as the table owner, every column as it was', async () => {
        await run(psql, ['-X', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy tviews.pg_tview_audit_log FROM '${file}' WITH (FORMAT csv, HEADER true)`, t.databaseUrl]);
        const { rows } = await t.snippet('maintenance/audit-log-status', { before: cutoff });
        assert.equal(rows[0].entries, '6');
        assert.equal(rows[0].entries_before_cutoff, '4');
        const [created] = await t.sql<{ entity: string; version: string; definition: string }>(
          `SELECT entity, details->>'version' AS version, details->>'definition' AS definition FROM tviews.pg_tview_audit_log WHERE operation = 'CREATE'`,
        );
        assert.equal(created.entity, 'author');
        assert.equal(created.version, t.target.pgTviewsVersion);
        assert.match(created.definition, /tb_user/);
      });

      await t.step('auditing off again for the database', async () => {
        await t.sql(`ALTER DATABASE "${db}" RESET pg_tviews.audit_enabled`);
        await writer!.end();
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  },
});
