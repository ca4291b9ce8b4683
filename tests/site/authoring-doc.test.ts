import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUIRED_SECTIONS, runbookFrontmatterSchema, SEVERITIES, symptomSchema } from '../../src/site/content/runbook-frontmatter.ts';
import { checkPage } from '../../src/site/check/check-page.ts';
import { parsePage } from '../../src/site/content/parse-page.ts';
import { readReport } from '../../src/site/report/read-report.ts';
import { fixture } from './helpers.ts';

/** docs/authoring-runbooks.md must describe the frontmatter and sections the build enforces. */

const doc = readFileSync(path.join(import.meta.dirname, '../../docs/authoring-runbooks.md'), 'utf8');

describe('docs/authoring-runbooks.md', () => {
  it('explains every runbook frontmatter field and every severity', () => {
    for (const key of Object.keys(runbookFrontmatterSchema.shape)) expect(doc).toContain(`\`runbook.${key}\``);
    for (const key of Object.keys(symptomSchema.shape)) expect(doc).toContain(`\`${key}\``);
    for (const severity of SEVERITIES) expect(doc).toContain(`\`${severity}\``);
  });

  it('lists the required sections in the order the build checks them', () => {
    const listed = [...doc.matchAll(/^\d\. `## ([^`]+)`/gm)].map((match) => match[1]);
    expect(listed).toEqual([...REQUIRED_SECTIONS]);
  });

  it('gives a starting page whose frontmatter example and skeleton pass the checks once filled in', () => {
    const examples = [...doc.matchAll(/```(?:yaml|mdx)\n([\s\S]*?)\n```/g)].map((match) => match[1]);
    const frontmatter = examples.find((example) => example.startsWith('---\ntitle: A prepared transaction'))!;
    const skeleton = examples.find((example) => example.startsWith('---\ntitle: …'))!;
    const body = skeleton.slice(skeleton.indexOf('\n---\n', 4) + 5).replace('::snippet{name="area/name"}', '::snippet{name="queue/commit-prepared"}');
    const page = `${frontmatter.replace('scenarios: [queue/stuck-2pc]', 'scenarios: []').replace('step: find-the-stuck-transaction', 'step: 1-find-it')}\n${body.replace('### 1. …', '### 1. Find it')}`;
    const verified = fixture('verified');
    const parsed = parsePage(page, path.join(verified.contentDir, '04-incident-response/example.mdx'), verified);
    expect(checkPage(parsed, verified, readReport(verified.reportFile)).problems).toEqual([]);
  });
});
