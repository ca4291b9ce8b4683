import type { Report } from './schema.ts';

/** JUnit XML for CI systems: one suite for snippets, one for scenarios. */

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

export function toJunit(report: Report): string {
  const snippets: Case[] = report.snippets.map((s) => ({
    name: s.name,
    file: s.file,
    seconds: s.durationMs / 1000,
    status: s.status,
    message: s.error ? `${s.error.file}:${s.error.line ?? 1}: ${s.error.message}` : undefined,
    detail: s.checks.filter((c) => c.status === 'failed').map((c) => `${c.name}: ${c.message ?? ''}`).join('\n'),
  }));
  const scenarios: Case[] = report.scenarios.map((s) => ({
    name: s.name,
    file: s.file,
    seconds: s.durationMs / 1000,
    status: s.status,
    message: s.error ? `${s.error.file}:${s.error.line ?? 1}: ${s.error.message}` : undefined,
    detail: s.steps.map((step) => `${step.status === 'passed' ? 'ok  ' : 'FAIL'} ${step.description}${step.message ? `: ${step.message}` : ''}`).join('\n'),
  }));
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites name="runbooks verify">', suite('snippets', snippets), suite('scenarios', scenarios), '</testsuites>', ''].join('\n');
}
