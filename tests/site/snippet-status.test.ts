import { describe, expect, it } from 'vitest';
import type { Report, SnippetRun } from '../../src/report/schema.ts';
import { libraryVerification, notClaimedNote, onTargets, scenarioResult, verifiedOn } from '../../src/site/report/describe.ts';
import { readReport, type ReportState } from '../../src/site/report/read-report.ts';
import { resolveScenario, resolveSnippet } from '../../src/site/report/snippet-status.ts';
import { fixture } from './helpers.ts';

/**
 * What the site makes of a snippet or scenario on a matrix of targets, from variations of the
 * `verified` fixture's report (targets.env: pg18 primary, pg17, pg16).
 */

const verified = fixture('verified');

/** A copy of the fixture's report, changed by `edit`. */
function editedReport(edit: (report: Report) => void = () => undefined): Report {
  const state = readReport(verified.reportFile);
  if (state.kind !== 'ok') throw new Error(`the verified fixture's report is ${state.kind}`);
  const report = structuredClone(state.report);
  edit(report);
  return report;
}

function reportState(edit?: (report: Report) => void): ReportState {
  return { kind: 'ok', file: verified.reportFile, report: editedReport(edit) };
}

const failedRun = (message: string): SnippetRun => ({
  status: 'failed',
  checks: [{ name: 'dry-run', status: 'failed', message }],
  durationMs: 40,
  error: { message, file: 'snippets/health/tview-status.sql', line: 18, rule: 'dry-run' },
});

const snippet = (report: Report, name: string) => report.snippets.find((entry) => entry.name === name)!;
const scenario = (report: Report, name: string) => report.scenarios.find((entry) => entry.name === name)!;
const withoutTarget = (id: string) => (report: Report) => {
  report.targets = report.targets.filter((target) => target.id !== id);
  for (const entry of [...report.snippets, ...report.scenarios]) delete entry.targets[id];
};

describe('a snippet on several targets', () => {
  it('is verified when it passed on every target, and its badge names them all', () => {
    const resolved = resolveSnippet('health/tview-status', verified, reportState());
    expect(resolved.status).toBe('verified');
    expect(verifiedOn(resolved.coverage!, resolved.report!)).toBe('verified on PostgreSQL 18.6, 17.11 and 16.15 with pg_tviews 0.1.0-beta.34, 2026-11-30');
    expect(resolved.coverage!.notClaimed).toBeUndefined();
  });

  it('is verified on the one target it claims, and says why it is not for the others', () => {
    const resolved = resolveSnippet('health/io-bytes', verified, reportState());
    expect(resolved.status).toBe('verified');
    expect(verifiedOn(resolved.coverage!, resolved.report!)).toBe('verified on PostgreSQL 18.6 with pg_tviews 0.1.0-beta.34, 2026-11-30');
    expect(notClaimedNote(resolved.coverage!.notClaimed!)).toBe(
      'not for PostgreSQL 17 or 16: pg_stat_io counts bytes (read_bytes, write_bytes) only from PostgreSQL 18 on; before, it counted operations of op_bytes each',
    );
  });

  it('fails when it failed on one target, naming the targets and the first error', () => {
    const one = resolveSnippet('health/tview-status', verified, reportState((report) => (snippet(report, 'health/tview-status').targets.pg17 = failedRun('column "tview_rows" does not exist'))));
    expect(one).toMatchObject({ status: 'failed', reason: 'verification failed on pg17 (PostgreSQL 17.11): column "tview_rows" does not exist' });
    const two = resolveSnippet(
      'health/tview-status',
      verified,
      reportState((report) => {
        snippet(report, 'health/tview-status').targets.pg17 = failedRun('first');
        snippet(report, 'health/tview-status').targets.pg16 = failedRun('second');
      }),
    );
    expect(two.reason).toBe('verification failed on pg17 (PostgreSQL 17.11) and pg16 (PostgreSQL 16.15): first');
  });

  it('ignores a failure on a target it does not claim', () => {
    const resolved = resolveSnippet('health/io-bytes', verified, reportState((report) => (snippet(report, 'health/io-bytes').targets.pg16 = failedRun('pg_stat_io has no column read_bytes'))));
    expect(resolved.status).toBe('verified');
  });

  it('is unverified when the report lacks a target it claims, naming the command that adds it', () => {
    const resolved = resolveSnippet('health/tview-status', verified, reportState(withoutTarget('pg16')));
    expect(resolved).toMatchObject({ status: 'unverified', reason: 'reports/verify.json has no run on pg16 (PostgreSQL 16.15) (run `runbooks verify --target pg16`)' });
    // The same report verifies a snippet that does not claim pg16.
    expect(resolveSnippet('health/io-bytes', verified, reportState(withoutTarget('pg16'))).status).toBe('verified');
  });

  it('reports a failure before a missing run', () => {
    const resolved = resolveSnippet(
      'health/tview-status',
      verified,
      reportState((report) => {
        withoutTarget('pg16')(report);
        snippet(report, 'health/tview-status').targets.pg17 = failedRun('broken');
      }),
    );
    expect(resolved).toMatchObject({ status: 'failed', reason: 'verification failed on pg17 (PostgreSQL 17.11): broken' });
  });

  it('is unverified when a claimed run was skipped', () => {
    const skipped: SnippetRun = { status: 'skipped', checks: [{ name: 'dry-run', status: 'skipped', message: 'not run: fix the lint errors first' }], durationMs: 0 };
    const resolved = resolveSnippet('health/tview-status', verified, reportState((report) => (snippet(report, 'health/tview-status').targets.pg18 = skipped)));
    expect(resolved).toMatchObject({ status: 'unverified', reason: 'verification skipped it on pg18 (PostgreSQL 18.6): not run: fix the lint errors first' });
  });

  it('asks for a fresh report when a target the report remembers is no longer in targets.env', () => {
    const resolved = resolveSnippet(
      'health/tview-status',
      verified,
      reportState((report) => report.targets.push({ ...report.targets[2], id: 'pg15', primary: false, postgres: '15.14' })),
    );
    expect(resolved.reason).toBe('reports/verify.json has no run on pg15 (PostgreSQL 15.14) (pg15 is no longer in targets.env: run `runbooks verify --fresh`)');
  });
});

describe('a scenario on several targets', () => {
  it('passes when it passed on every target', () => {
    const resolved = resolveScenario('queue/stuck-2pc', verified, reportState());
    expect(resolved.status).toBe('passed');
    expect(scenarioResult(resolved)).toBe('passed on PostgreSQL 18.6, 17.11 and 16.15 with pg_tviews 0.1.0-beta.34');
  });

  it('takes the targets it leaves out from the report, with their reason', () => {
    const state = reportState((report) => (scenario(report, 'queue/stuck-2pc').targets.pg16 = { status: 'skipped', reason: 'not claimed: two-phase commit is off there', durationMs: 0, steps: [] }));
    expect(scenarioResult(resolveScenario('queue/stuck-2pc', verified, state))).toBe(
      'passed on PostgreSQL 18.6 and 17.11 with pg_tviews 0.1.0-beta.34; not for PostgreSQL 16: two-phase commit is off there',
    );
  });

  it('fails on one target, and is unverified on a target without a run', () => {
    const failed = reportState((report) => {
      scenario(report, 'queue/stuck-2pc').targets.pg17 = { status: 'failed', durationMs: 900, steps: [], error: { message: 'the count is still 1', file: 'scenarios/queue/stuck-2pc.scenario.ts' } };
    });
    expect(resolveScenario('queue/stuck-2pc', verified, failed)).toMatchObject({ status: 'failed', reason: 'scenario failed on pg17 (PostgreSQL 17.11): the count is still 1' });
    expect(resolveScenario('queue/stuck-2pc', verified, reportState(withoutTarget('pg16')))).toMatchObject({
      status: 'unverified',
      reason: 'reports/verify.json has no run on pg16 (PostgreSQL 16.15) (run `runbooks verify --target pg16`)',
    });
  });
});

describe('what the whole site is verified on', () => {
  it('names every target of the report, and says that some steps claim fewer', () => {
    expect(libraryVerification(editedReport())).toEqual({
      verified: 'verified on PostgreSQL 18.6, 17.11 and 16.15 with pg_tviews 0.1.0-beta.34, 2026-11-30',
      scope: 'A step meant for only some of these versions says which.',
      partial: undefined,
    });
  });

  it('says when the report is partial', () => {
    expect(libraryVerification(editedReport((report) => (report.partial = true))).partial).toBe('The report is partial: some snippets or scenarios of the library have not run on every target yet.');
  });

  it('groups targets by pg_tviews release when they differ', () => {
    const targets = [
      { postgres: '18.6', pgTviews: '0.1.0-beta.34' },
      { postgres: '17.11', pgTviews: '0.1.0-beta.34' },
      { postgres: '16.15', pgTviews: '0.1.0-beta.30' },
    ];
    expect(onTargets(targets)).toBe('PostgreSQL 18.6 and 17.11 with pg_tviews 0.1.0-beta.34, and PostgreSQL 16.15 with pg_tviews 0.1.0-beta.30');
  });
});
