import assert from 'node:assert/strict';
import { readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * The weekly rotation of the regular-maintenance runbook: rotate-stats.sh must save this
 * database's tviews.stats and pg_stat_statements to files before it resets them (so no
 * interval is lost), reset only this database's statement statistics, prune only this
 * database's files older than --keep-days, and the cron step must install one line for it.
 */
export default defineScenario({
  title: 'Statistics rotation saves tviews.stats and pg_stat_statements to files, then resets them, and prunes old files; cron runs it weekly',
  runbook: '03-maintenance/regular-maintenance',
  timeout: '2min',
  async run(t) {
    const [{ db, dbid }] = await t.sql<{ db: string; dbid: number }>(`SELECT current_database() AS db, oid AS dbid FROM pg_database WHERE datname = current_database()`);
    const directory = await t.tempDir('stats');
    try {
      const statements = async () =>
        Number((await t.sql<{ n: string }>(`SELECT count(*)::text AS n FROM pg_stat_statements WHERE dbid = $1 AND query LIKE 'UPDATE tb_post%'`, [dbid]))[0].n);
      let resetBefore = '';

      await t.step('setup: a week of work (post renames), and two old files: one of this database, one of another', async () => {
        for (let pk = 1; pk <= 5; pk++) await t.sql(`UPDATE tb_post SET title = title || ' (week 1)' WHERE pk_post = $1`, [pk]);
        const [{ written, reset }] = await t.sql<{ written: string; reset: string }>(`SELECT sum(rows_written)::text AS written, max(stats_reset)::text AS reset FROM tviews.stats`);
        assert.ok(Number(written) >= 5, `tviews.stats counted the renames: ${written}`);
        resetBefore = reset;
        assert.ok((await statements()) > 0);
        const stale = path.join(directory, `tviews-stats-${db}-20250101T000000Z.csv`);
        const foreign = path.join(directory, 'tviews-stats-otherdb-20250101T000000Z.csv');
        for (const file of [stale, foreign]) {
          await writeFile(file, 'saved_at\n');
          await utimes(file, new Date('2025-01-01'), new Date('2025-01-01'));
        }
      });

      await t.step('rotate: both saved with their figures, then reset; this database\'s old file pruned, the other kept', async () => {
        const { output, exitCode } = await t.snippet('maintenance/rotate-stats', { dir: directory, keep_days: '90' });
        assert.equal(exitCode, 0, output);
        assert.match(output, /saved tviews\.stats: 3 rows to /);
        assert.match(output, /saved pg_stat_statements: \d+ statements to /);
        assert.match(output, /reset tviews\.stats of /);
        assert.match(output, /reset pg_stat_statements of /);
        assert.match(output, new RegExp(`deleted old file: .*tviews-stats-${db}-20250101T000000Z\\.csv`));
        const files = (await readdir(directory)).sort();
        assert.ok(files.includes('tviews-stats-otherdb-20250101T000000Z.csv'), 'another database\'s file is not this run\'s to prune');
        assert.ok(!files.includes(`tviews-stats-${db}-20250101T000000Z.csv`));
        const saved = files.filter((f) => new RegExp(`^tviews-stats-${db}-\\d{8}T\\d{6}Z\\.csv$`).test(f));
        assert.equal(saved.length, 1);
        const csv = (await readFile(path.join(directory, saved[0]), 'utf8')).trim().split('\n');
        assert.match(csv[0], /^saved_at,schema,name,entity,view_recomputes,/);
        const post = csv.find((line) => line.includes(',tv_post,post,'))!;
        const header = csv[0].split(',');
        assert.ok(Number(post.split(',')[header.indexOf('rows_written')]) >= 5, `the saved figures are the week's: ${post}`);
        const statementsFile = files.find((f) => f.startsWith(`statements-${db}-`))!;
        assert.match(await readFile(path.join(directory, statementsFile), 'utf8'), /UPDATE tb_post SET title/);
      });

      await t.step('the counters start again: tviews.stats at zero with a new reset time, no statement of last week left', async () => {
        const rows = await t.sql<{ written: string; reset: string }>(`SELECT rows_written::text AS written, stats_reset::text AS reset FROM tviews.stats`);
        assert.ok(rows.every((r) => r.written === '0'));
        assert.ok(rows.every((r) => r.reset > resetBefore), `stats_reset moved from ${resetBefore}`);
        assert.equal(await statements(), 0);
      });

      await t.step('cron: one line that runs it weekly for this database', async () => {
        const params = { script: '/usr/local/bin/rotate-stats.sh', schedule: '0 6 * * 1', dbname: db, dir: '/var/lib/postgresql/tviews-stats', keep_days: '180' };
        const { output, stubCalls } = await t.snippet('maintenance/schedule-rotate-stats', params);
        const installed = stubCalls!.filter((c) => c.command === 'crontab' && c.args[0] === '-');
        assert.equal(installed.length, 1);
        const lines = installed[0].stdin.trim().split('\n');
        assert.deepEqual(lines, [`0 6 * * 1 /usr/local/bin/rotate-stats.sh --dbname ${db} --dir /var/lib/postgresql/tviews-stats --keep-days 180 >>"$HOME/rotate-stats.log" 2>&1`]);
        assert.match(output, /^installed: 0 6 \* \* 1 /m);
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  },
});
