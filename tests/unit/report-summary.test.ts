import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatDiagnosticGithub, workflowCommand } from '../../src/lint/format-github.ts';
import { overallStatus, type Report, reportSchema } from '../../src/report/schema.ts';
import { cell, reportAnnotations, reportSummary } from '../../src/report/summary.ts';
import { passingReport } from '../site/fixtures/make-report.ts';

/**
 * `runbooks report summary` and the GitHub annotations of lint and verify, on fixture reports:
 * the passing report of the site's fixture project (tests/site/fixtures/make-report.ts), edited
 * here into a failed, a skipped and a partial one.
 */

const fixture = path.resolve(import.meta.dirname, '..', 'site', 'fixtures', 'verified');

async function edited(edit: (report: Report) => void): Promise<Report> {
  const report = structuredClone(await passingReport(fixture));
  edit(report);
  for (const entry of [...report.snippets, ...report.scenarios]) entry.status = overallStatus(Object.values(entry.targets));
  return reportSchema.parse(report);
}

function failOn(report: Report, name: string, targets: string[], error: { message: string; line?: number; column?: number; rule?: string; hint?: string }) {
  const entry = report.snippets.find((s) => s.name === name)!;
  for (const id of targets) entry.targets[id] = { ...entry.targets[id], status: 'failed', error: { file: entry.file, ...error } };
}

describe('GitHub workflow commands', () => {
  it('escape the message and the properties as GitHub\'s toolkit does', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('snippets/a,b.sql: 100%')).toBe('snippets/a%2Cb.sql%3A 100%25');
    expect(workflowCommand('error', { file: 'snippets/x.sql', line: 3, col: 7, title: 'rule: a,b' }, 'first\nsecond')).toBe(
      '::error file=snippets/x.sql,line=3,col=7,title=rule%3A a%2Cb::first%0Asecond',
    );
    expect(workflowCommand('notice', {}, 'plain')).toBe('::notice::plain');
  });
  it('turn a lint diagnostic into an annotation with its rule as title and the fix on a second line', () => {
    const line = formatDiagnosticGithub({ file: 'snippets/health/x.sql', line: 12, column: 3, rule: 'squawk/require-concurrent-index-creation', severity: 'error', message: 'blocks writes: no lock_timeout', hint: 'use CONCURRENTLY' });
    expect(line).toBe('::error file=snippets/health/x.sql,line=12,col=3,title=squawk/require-concurrent-index-creation::blocks writes: no lock_timeout%0Afix: use CONCURRENTLY');
    expect(formatDiagnosticGithub({ file: 'a.sql', line: 1, column: 1, rule: 'r', severity: 'warning', message: 'm', hint: 'h' })).toMatch(/^::warning /);
  });
});

describe('report summary', () => {
  it('says everything passed, with a column per target and a row per target', async () => {
    const report = await passingReport(fixture);
    const text = reportSummary(report, { reportPath: 'reports/verify.json' });
    expect(text).toMatch(/^## ✅ Runbooks verification: \d+ snippets and \d+ scenarios? verified, nothing failed\n/);
    expect(text).toContain('Report `reports/verify.json`, commit `fixture`, written 2026-11-30 09:30:00 UTC, on pg18, pg17, pg16.');
    expect(text).toContain('| **pg18** (primary) | 18.6 | 0.1.0-beta.34 | local |');
    expect(text).toContain('|  | pg18 | pg17 | pg16 |');
    expect(text).toContain('| snippet `health/tview-status` | ✅ | ✅ | ✅ |');
    expect(text).not.toContain('### Failed');
    expect(text).not.toContain('### Not covered');
  });

  it('lists each failure once with the targets it failed on, its file:line:col and why', async () => {
    const report = await edited((r) => {
      failOn(r, 'health/tview-status', ['pg18', 'pg17'], { message: 'ERROR: division by zero', line: 14, rule: 'no-error' });
      failOn(r, 'health/io-bytes', ['pg16'], { message: 'relation "pg_stat_io" | does not exist\nLINE 3', line: 9, column: 6, rule: 'dry-run', hint: 'claim the targets that have it' });
    });
    const text = reportSummary(report);
    expect(text).toMatch(/^## ❌ Runbooks verification: 2 failures\n/);
    expect(text).toContain('### Failed (2)');
    expect(text).toContain('| snippet `health/tview-status` | pg18, pg17 | `snippets/health/tview-status.sql:14` | **no-error**: ERROR: division by zero |');
    expect(text).toContain('| snippet `health/io-bytes` | pg16 | `snippets/health/io-bytes.sql:9:6` | **dry-run**: relation "pg_stat_io" \\| does not exist LINE 3 — fix: claim the targets that have it |');
    expect(text).toContain('| snippet `health/tview-status` | ❌ | ❌ | ✅ |');
  });

  it('lists what was skipped because the header does not claim a target, with the reason', async () => {
    const report = await passingReport(fixture);
    const skipped = report.snippets.filter((s) => Object.values(s.targets).some((run) => run.status === 'skipped'));
    expect(skipped.length).toBeGreaterThan(0); // the fixture has a snippet that claims only some targets
    const text = reportSummary(report);
    expect(text).toContain('### Skipped: not claimed');
    const [entry] = skipped;
    const [target, run] = Object.entries(entry.targets).find(([, r]) => r.status === 'skipped')!;
    expect(text).toContain(`| snippet \`${entry.name}\` | ${target}`);
    expect(text).toContain(cell(run.reason!));
    expect(text).toMatch(new RegExp(`\\| snippet \`${entry.name}\` \\|.*⏭️`));
  });

  it('says what a partial report does not cover: the library\'s other entries, what --changed selected and why, and stale entries', async () => {
    const report = await edited((r) => {
      r.partial = true;
      r.snippets = r.snippets.filter((s) => s.name !== 'queue/watch-queue');
    });
    const changedName = report.snippets[0].name;
    const text = reportSummary(report, {
      library: { snippets: [...report.snippets.map((s) => s.name), 'queue/watch-queue'], scenarios: report.scenarios.map((s) => s.name) },
      currentHashes: new Map([[report.snippets[1].name, 'f'.repeat(64)]]),
      changed: { base: 'origin/main', files: [report.snippets[0].file], snippets: [changedName], scenarios: [], reason: '1 changed file(s) since origin/main' },
    });
    expect(text).toContain('**Partial**');
    expect(text).toContain('### Verified in this run (1 snippet, 0 scenarios)');
    expect(text).toContain('### Not covered by this run');
    expect(text).toContain(`\`verify --changed\` since \`origin/main\`: 1 changed file(s) since origin/main; it selected 1 snippet and 0 scenarios (changed: \`${report.snippets[0].file}\`).`);
    expect(text).toMatch(/entries of the report were not verified in this run but kept from the report already there/);
    expect(text).toContain(`Changed since verified, so not counted (1): \`${report.snippets[1].name}\``);
    expect(text).toContain('Not covered: 1 snippet and 0 scenarios have no run on every target of this report');
    expect(text).toContain('snippet `queue/watch-queue`');
  });

  it('caps long tables and keeps every cell on one line', async () => {
    const report = await passingReport(fixture);
    const text = reportSummary(report, { maxRows: 2 });
    expect(text).toMatch(/…and \d+ more\./);
    expect(cell('a\nb | c', 300)).toBe('a b \\| c');
    expect(cell('x'.repeat(400)).length).toBe(300);
  });
});

describe('verify --format github annotations', () => {
  it('one per failure and error, at its file and line, naming the targets; problems too; stale entries left out', async () => {
    const report = await edited((r) => {
      failOn(r, 'health/tview-status', ['pg18', 'pg17', 'pg16'], { message: 'ERROR: division by zero', line: 14, rule: 'no-error' });
      failOn(r, 'health/io-bytes', ['pg16'], { message: 'lint says: no, really', line: 9, column: 6, rule: 'api-column', hint: 'use a column it has' });
      r.problems = [{ file: 'content/01-health-monitoring/page.mdx', line: 4, column: 1, message: '::snippet names nothing', rule: 'unresolved-reference' }];
    });
    expect(reportAnnotations(report)).toEqual([
      '::error file=snippets/health/io-bytes.sql,line=9,col=6,title=api-column on pg16::snippet health/io-bytes failed on pg16: lint says: no, really%0Afix: use a column it has',
      '::error file=snippets/health/tview-status.sql,line=14,title=no-error on pg18%2C pg17%2C pg16::snippet health/tview-status failed on pg18, pg17, pg16: ERROR: division by zero',
      '::error file=content/01-health-monitoring/page.mdx,line=4,col=1,title=unresolved-reference::::snippet names nothing',
    ]);
    const stale = new Map([['health/tview-status', '0'.repeat(64)]]);
    expect(reportAnnotations(report, stale).some((line) => line.includes('tview-status'))).toBe(false);
  });
});
