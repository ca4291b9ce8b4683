import type { Report } from './schema.ts';

/** JUnit XML for CI systems: per target, one suite for snippets and one for scenarios. */

function escape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    // XML 1.0 cannot carry most control characters, even escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

interface Case {
  name: string;
  file: string;
  seconds: number;
  status: 'passed' | 'failed' | 'skipped';
  message?: string;
  detail?: string;
}

function suite(name: string, cases: Case[]): string {
  const failures = cases.filter((c) => c.status === 'failed').length;
  const skipped = cases.filter((c) => c.status === 'skipped').length;
  const time = cases.reduce((sum, c) => sum + c.seconds, 0).toFixed(3);
  const body = cases.map((c) => {
    const open = `    <testcase classname="${escape(name)}" name="${escape(c.name)}" file="${escape(c.file)}" time="${c.seconds.toFixed(3)}"`;
    if (c.status === 'passed') return `${open}/>`;
    if (c.status === 'skipped') return `${open}><skipped message="${escape(c.message ?? 'not run')}"/></testcase>`;
    return `${open}>\n      <failure message="${escape(c.message ?? 'failed')}">${escape(c.detail ?? c.message ?? '')}</failure>\n    </testcase>`;
  });
  return [`  <testsuite name="${escape(name)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${time}">`, ...body, '  </testsuite>'].join('\n');
}

function failure(error: { file: string; line?: number; message: string } | undefined): string | undefined {
  return error ? `${error.file}:${error.line ?? 1}: ${error.message}` : undefined;
}

/** The JUnit case of an entry's run on one target, if the entry has one there. */
function caseOf(entry: { name: string; file: string }, run: { durationMs: number; status: Case['status']; reason?: string; error?: Parameters<typeof failure>[0] } | undefined, detail: string): Case[] {
  if (!run) return [];
  return [{ name: entry.name, file: entry.file, seconds: run.durationMs / 1000, status: run.status, message: run.reason ?? failure(run.error), detail }];
}

/** One suite per target and kind: a CI system then shows which target a failure is on. */
export function toJunit(report: Report): string {
  const suites = report.targets.flatMap((target) => {
    const snippets = report.snippets.flatMap((s) => {
      const run = s.targets[target.id];
      return caseOf(s, run, (run?.checks ?? []).filter((c) => c.status === 'failed').map((c) => `${c.name}: ${c.message ?? ''}`).join('\n'));
    });
    const scenarios = report.scenarios.flatMap((s) => {
      const run = s.targets[target.id];
      return caseOf(s, run, (run?.steps ?? []).map((step) => `${step.status === 'passed' ? 'ok  ' : 'FAIL'} ${step.description}${step.message ? `: ${step.message}` : ''}`).join('\n'));
    });
    return [suite(`snippets on ${target.id}`, snippets), suite(`scenarios on ${target.id}`, scenarios)];
  });
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites name="runbooks verify">', ...suites, '</testsuites>', ''].join('\n');
}
