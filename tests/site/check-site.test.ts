import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPage } from '../../src/site/check/check-page.ts';
import { checkSite, formatProblems } from '../../src/site/check/check-site.ts';
import { parsePage } from '../../src/site/content/parse-page.ts';
import { readReport } from '../../src/site/report/read-report.ts';
import { fixture, runbookBody } from './helpers.ts';

const verified = fixture('verified');

function check(contentPath: string, text: string) {
  const page = parsePage(text, path.join(verified.contentDir, contentPath), verified);
  return checkPage(page, verified, readReport(verified.reportFile)).problems;
}

const FRONTMATTER = `---
title: Queue check
description: Count the prepared transactions of pg_tviews.
runbook:
  severity: medium
  whenToUse: Refreshes seem to wait on a prepared transaction.
  frequency: When refreshes are slow
  timeRequired: 2 min
  prerequisites: [psql access]
  scenarios: [health/stale-tview]
  symptoms:
    - text: Refreshes are slow
      step: procedure
---
`;

describe('checkSite on the fixture sites', () => {
  it('finds nothing wrong when every snippet is verified', () => {
    const result = checkSite(verified);
    expect(formatProblems(result.problems)).toBe('');
    expect(result.pages).toBe(4);
    expect(result.references.get('04-incident-response/stuck-prepared-transaction')).toEqual({ snippets: ['queue/watch-queue', 'queue/commit-prepared'], scenarios: ['queue/stuck-2pc'] });
  });

  it.each([
    ['stale', 'snippet "health/prepared-count" is stale: snippets/health/prepared-count.sql changed after reports/verify.json was written (run `runbooks verify`)'],
    ['missing', 'snippet "health/not-there" is missing: there is no snippet file snippets/health/not-there.sql or .sh'],
    ['failed', 'snippet "health/prepared-count" is failed: verification failed on pg16 (PostgreSQL 16.15): relation "pg_prepared_xact" does not exist'],
    ['unverified', 'snippet "health/prepared-count" is unverified: reports/verify.json has no entry for it (run `runbooks verify`)'],
    ['uncovered', 'snippet "health/prepared-count" is unverified: reports/verify.json has no run on pg16 (PostgreSQL 16.15) (run `runbooks verify --target pg16`)'],
  ])('refuses the %s fixture with one problem naming file, line and snippet', (name, message) => {
    expect(formatProblems(checkSite(fixture(name)).problems)).toBe(`content/01-health-monitoring/queue-check.mdx:28:1: ${message}`);
  });

  it('treats a site without a report as unverified', () => {
    const paths = { ...fixture('stale'), reportFile: path.join(fixture('stale').root, 'reports', 'absent.json') };
    expect(formatProblems(checkSite(paths).problems)).toContain('is unverified: there is no reports/absent.json (run `runbooks verify`)');
  });
});

describe('runbook frontmatter', () => {
  it('accepts a complete runbook', () => {
    expect(check('01-health-monitoring/tview-health-check.mdx', FRONTMATTER + runbookBody('text'))).toEqual([]);
  });

  it('names the line of a wrong field', () => {
    const text = FRONTMATTER.replace('scenarios: [health/stale-tview]', 'scenarios: []').replace('severity: medium', 'severity: urgent').replace('timeRequired: 2 min', 'timeRequired: a while') + runbookBody('text');
    const problems = check('01-health-monitoring/queue-check.mdx', text);
    expect(problems.map((problem) => [problem.line, problem.message.split(':')[0]])).toEqual([
      [5, "frontmatter 'runbook.severity'"],
      [8, "frontmatter 'runbook.timeRequired'"],
    ]);
    expect(problems[0].file).toBe('content/01-health-monitoring/queue-check.mdx');
    expect(problems[1].message).toContain('a time such as 5 min');
  });

  it('requires the runbook block on pages in a category folder, but not elsewhere', () => {
    const plain = '---\ntitle: Notes\ndescription: Some notes about the runbooks.\n---\n\nText.\n';
    expect(check('01-health-monitoring/notes.mdx', plain).map((problem) => problem.message)).toContain("frontmatter 'runbook': Invalid input: expected object, received undefined");
    expect(check('about.mdx', plain)).toEqual([]);
  });

  it('rejects unknown runbook fields, a symptom step that is no heading, and a scenario that proves another runbook', () => {
    const text = FRONTMATTER.replace('frequency:', 'owner: dba\n  frequency:').replace('step: procedure', 'step: no-such-step') + runbookBody('text');
    const messages = check('01-health-monitoring/tview-health-check.mdx', text).map((problem) => `${problem.line}: ${problem.message}`);
    expect(messages).toEqual([expect.stringMatching(/^7: frontmatter 'runbook': Unrecognized key: "owner"/)]);
    const stepOnly = FRONTMATTER.replace('step: procedure', 'step: no-such-step') + runbookBody('text');
    expect(check('01-health-monitoring/tview-health-check.mdx', stepOnly).map((problem) => `${problem.line}: ${problem.message}`)).toEqual([
      expect.stringMatching(/^13: symptom step "no-such-step" is not a heading on this page \(anchors: purpose, when-to-use/),
    ]);
    // health/stale-tview passed, but for 01-health-monitoring/tview-health-check.
    expect(check('01-health-monitoring/other.mdx', FRONTMATTER + runbookBody('text')).map((problem) => problem.message)).toEqual([
      'scenario "health/stale-tview" proves 01-health-monitoring/tview-health-check, not this runbook (01-health-monitoring/other)',
    ]);
  });

  it('refuses a scenario the report does not have', () => {
    const text = FRONTMATTER.replace('scenarios: [health/stale-tview]', 'scenarios: [health/never-ran]') + runbookBody('text');
    expect(check('01-health-monitoring/queue-check.mdx', text).map((problem) => `${problem.line}: ${problem.message}`)).toEqual([
      '10: scenario "health/never-ran" is not proven: the report has no scenario "health/never-ran" (run `runbooks verify`)',
    ]);
  });

  it('reports YAML errors and unclosed frontmatter with their line', () => {
    expect(check('about.mdx', '---\ntitle: [unclosed\n---\n')[0]).toMatchObject({ line: 2, message: expect.stringContaining('frontmatter YAML') });
    expect(check('about.mdx', '---\ntitle: x\n')[0]).toMatchObject({ line: 1, message: 'the frontmatter opened here is never closed with a `---` line' });
  });

  it('keeps content/index for the generated home page', () => {
    expect(check('index.mdx', '---\ntitle: Home\n---\n').map((problem) => problem.message)).toEqual([expect.stringContaining('the home page is generated from the runbooks')]);
  });

  it('reports MDX that does not parse with its line', () => {
    const problems = check('about.mdx', '---\ntitle: About\n---\n\nText\n\n<Aside>\nunclosed\n');
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/does not parse as MDX/);
    expect(problems[0].line).toBe(7);
  });
});
