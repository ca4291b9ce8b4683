import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage } from '../../src/site/check/check-page.ts';
import { checkSite } from '../../src/site/check/check-site.ts';
import { parsePage } from '../../src/site/content/parse-page.ts';
import { checkRequiredSections } from '../../src/site/content/page-rules.ts';
import { REQUIRED_SECTIONS } from '../../src/site/content/runbook-frontmatter.ts';
import { projectPaths } from '../../src/site/project.ts';
import { readReport } from '../../src/site/report/read-report.ts';
import { createRunbookFile, PLACEHOLDER, runbookNameProblem, runbookTemplate } from '../../src/snippets/scaffold.ts';
import { fill } from './new-runbook-fill.ts';

/**
 * `runbooks new runbook`: the scaffold passes the page rules as it is, the strict check refuses
 * each of its placeholders at its line, and once they are written the page passes. The page is
 * checked in a copy of the site fixture (tests/site/fixtures/verified), whose report verifies
 * the snippet the filled page embeds.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'tests', 'site', 'fixtures', 'verified');
let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pgtv-new-runbook-'));
  for (const part of ['content', 'snippets', 'reports', 'targets.env']) cpSync(path.join(FIXTURE, part), path.join(root, part), { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runbooks new runbook', () => {
  it('refuses names that are not <NN-category>/<kebab-name>', () => {
    expect(runbookNameProblem('03-maintenance/reindex-bloated-tview')).toBeUndefined();
    expect(runbookNameProblem('maintenance/reindex')).toMatch(/'maintenance' is not a category folder/);
    expect(runbookNameProblem('03-maintenance/Reindex')).toMatch(/'Reindex' in '03-maintenance\/Reindex' is not lower-case words/);
    expect(runbookNameProblem('reindex')).toMatch(/is not <category>\/<name>/);
  });

  it('scaffold → page rules pass → strict check refuses each placeholder → filled → passes', async () => {
    const file = await createRunbookFile({ name: '03-maintenance/reindex-bloated-tview', contentRoot: path.join(root, 'content') });
    expect(file).toBe(path.join(root, 'content', '03-maintenance', 'reindex-bloated-tview.mdx'));
    const paths = projectPaths(root);
    const text = readFileSync(file, 'utf8');

    // Every required section, in order, and frontmatter the runbook schema accepts.
    const page = parsePage(text, file, paths);
    expect(page.problems).toEqual([]);
    expect(checkRequiredSections(page.tree!, 1)).toEqual([]);
    expect(text.match(/^## .*$/gm)).toEqual(REQUIRED_SECTIONS.map((s) => `## ${s}`));

    // The strict check: nothing but the placeholders, each at its own line.
    const problems = checkPage(page, paths, readReport(paths.reportFile)).problems;
    const placeholderLines = text.split('\n').flatMap((line, i) => (line.includes(PLACEHOLDER) ? [i + 1] : []));
    // title, description, the six runbook fields, and one per section.
    expect(placeholderLines).toHaveLength(8 + REQUIRED_SECTIONS.length);
    expect(problems.every((p) => p.message.startsWith("placeholder left by 'runbooks new runbook'")), JSON.stringify(problems, null, 1)).toBe(true);
    expect(problems.map((p) => p.line)).toEqual(placeholderLines);
    expect(problems.find((p) => p.line === text.split('\n').findIndex((l) => l.startsWith('  severity:')) + 1)?.message).toBe(
      `placeholder left by 'runbooks new runbook': write "routine, low, medium, high or critical" here and remove "${PLACEHOLDER}"`,
    );
    const strict = checkSite(paths).problems.filter((p) => p.file.endsWith('reindex-bloated-tview.mdx'));
    expect(strict.map((p) => p.line)).toEqual(placeholderLines);

    // One placeholder left: refused at that line; none left: the page passes the strict check.
    const filled = fill(text);
    const almost = filled.replace('Written: who to call', `${PLACEHOLDER}: who to call`);
    writeFileSync(file, almost);
    const oneLeft = checkSite(paths).problems.filter((p) => p.file.endsWith('reindex-bloated-tview.mdx'));
    expect(oneLeft).toEqual([{ file: 'content/03-maintenance/reindex-bloated-tview.mdx', line: almost.split('\n').findIndex((l) => l.startsWith(PLACEHOLDER)) + 1, column: 1, message: expect.stringContaining('who to call') }]);
    writeFileSync(file, filled);
    expect(filled).not.toContain(PLACEHOLDER);
    expect(checkSite(paths).problems).toEqual([]);
  });

  it('names the title when given, and refuses to overwrite a page', async () => {
    expect(runbookTemplate({ title: 'Disk: full' })).toMatch(/^---\ntitle: "Disk: full"\n/);
    await expect(createRunbookFile({ name: '03-maintenance/reindex-bloated-tview', contentRoot: path.join(root, 'content') })).rejects.toThrow(/already exists/);
  });

  it('works from the command line, and says how to go on', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'runbooks.ts'), 'new', 'runbook', '05-capacity/disk-full', '--root', root], { encoding: 'utf8', cwd: root });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('created content/05-capacity/disk-full.mdx');
    expect(run.stdout).toContain(`replace every ${PLACEHOLDER}`);
    const bad = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'runbooks.ts'), 'new', 'runbook', 'capacity/disk-full', '--root', root], { encoding: 'utf8', cwd: root });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("'capacity' is not a category folder");
  });
});
