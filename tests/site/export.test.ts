import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Root } from 'mdast';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { afterEach, describe, expect, it } from 'vitest';
import { ExportFolderError, exportRunbooks } from '../../src/export/export-runbooks.ts';
import { headingAnchors } from '../../src/site/content/page-rules.ts';
import { projectPaths } from '../../src/site/project.ts';
import { fixture } from './helpers.ts';

const temporary: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'runbooks-export-'));
  temporary.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');

describe('runbooks export', () => {
  it('writes README, one Markdown file per page and every embedded snippet as a script', () => {
    const out = path.join(tempDir(), 'runbooks');
    const verified = fixture('verified');
    const result = exportRunbooks(verified, out);
    expect(result.errors).toEqual([]);
    expect(result.unverified).toEqual([]);
    expect(result.files).toEqual([
      '01-health-monitoring/tview-health-check.md',
      '04-incident-response/incident-checklist.md',
      '04-incident-response/stuck-prepared-transaction.md',
      'README.md',
      'about.md',
      'scripts/health-io-bytes.sql',
      'scripts/health-probe-markup.sql',
      'scripts/health-tview-status.sql',
      'scripts/prepared-count.sql',
      'scripts/queue-commit-prepared.sql',
      'scripts/queue-watch-queue.sh',
    ]);
    // Scripts are the snippet files unchanged, so they run as they were verified.
    expect(read(out, 'scripts/queue-commit-prepared.sql')).toBe(readFileSync(path.join(verified.snippetsDir, 'queue/commit-prepared.sql'), 'utf8'));
  });

  it('inlines each snippet with its verification, warning, code and command', () => {
    const out = path.join(tempDir(), 'runbooks');
    exportRunbooks(fixture('verified'), out);
    const runbook = read(out, '04-incident-response/stuck-prepared-transaction.md');
    expect(runbook).toMatch(/^# A prepared transaction will not go away\n/);
    expect(runbook).toContain('- **Severity:** critical');
    expect(runbook).toContain('**Commit a stuck prepared transaction** (`queue/commit-prepared`): Destructive');
    expect(runbook).toContain('✅ Verified on PostgreSQL 18.6, 17.11 and 16.15 with pg_tviews 0.1.0-beta.34, 2026-11-30.');
    expect(runbook).toContain('> **Destructive.** It changes: Makes the prepared transaction\'s changes permanent');
    expect(runbook).toContain("```sql\nCOMMIT PREPARED :'gid';\n```");
    expect(runbook).toContain("`psql -X -v ON_ERROR_STOP=1 -v 'gid=<gid>' -f scripts/queue-commit-prepared.sql`");
    expect(runbook).not.toContain('::snippet');
  });

  it('says which targets a snippet that claims fewer was verified on, and why not the others', () => {
    const out = path.join(tempDir(), 'runbooks');
    exportRunbooks(fixture('verified'), out);
    expect(read(out, '01-health-monitoring/tview-health-check.md')).toContain(
      '✅ Verified on PostgreSQL 18.6 with pg_tviews 0.1.0-beta.34, 2026-11-30. Not for PostgreSQL 17 or 16: pg_stat_io counts bytes (read_bytes, write_bytes) only from PostgreSQL 18 on; before, it counted operations of op_bytes each.',
    );
    const readme = read(out, 'README.md');
    expect(readme).toContain('Snippets were verified on PostgreSQL 18.6, 17.11 and 16.15 with pg_tviews 0.1.0-beta.34, 2026-11-30 (run finished 2026-11-30 09:30:00 UTC, 4.3 s). A step meant for only some of these versions says which.');
    expect(readme).toContain('- pg17: PostgreSQL 17.11 with pg_tviews 0.1.0-beta.34, local provider; snippets 5 passed, 0 failed, 1 skipped; scenarios 2 passed, 0 failed, 0 skipped; 2.6 s');
    expect(readme).toContain('[scripts/health-io-bytes.sql](scripts/health-io-bytes.sql): Bytes read and written, by backend type, verified on PostgreSQL 18.6 with pg_tviews 0.1.0-beta.34');
  });

  it('indexes symptoms with links to files and headings that exist', () => {
    const out = path.join(tempDir(), 'runbooks');
    exportRunbooks(fixture('verified'), out);
    const readme = read(out, 'README.md');
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]+)?\)/g)].map((match) => ({ file: match[1], anchor: match[2] }));
    expect(links.length).toBeGreaterThan(5);
    for (const { file, anchor } of links) {
      expect(existsSync(path.join(out, file)), file).toBe(true);
      if (anchor) expect([...headingAnchors(unified().use(remarkParse).parse(read(out, file)) as Root)], `${file}${anchor}`).toContain(anchor.slice(1));
    }
    expect(readme).toContain('- **A TVIEW shows old data** → [TVIEW health check](01-health-monitoring/tview-health-check.md#compare-the-tview-with-its-view), start at “Compare the TVIEW with its view” (routine)');
  });

  it("indexes the runbooks in the plan's layout, each with when to use it and its symptoms, then the scripts with where each is embedded", () => {
    const out = path.join(tempDir(), 'runbooks');
    exportRunbooks(fixture('verified'), out);
    const readme = read(out, 'README.md');
    const headings = [...readme.matchAll(/^#{2,3} (.+)$/gm)].map((match) => match[1]);
    expect(headings).toEqual(['Verification', 'Targets', 'Scenarios', 'I have an incident', 'Runbooks', 'Health and monitoring (01-health-monitoring/)', 'Incident response (04-incident-response/)', 'Other pages', 'Scripts', 'Command files']);
    expect(readme).toContain(
      [
        '- [A prepared transaction will not go away](04-incident-response/stuck-prepared-transaction.md): Find a prepared transaction that holds locks and finish it, knowing what it changes. (critical, 10-15 min)',
        '  - **When to use:** A prepared transaction has been open for minutes and blocks writes.',
        '  - **Symptoms:** “A prepared transaction will not go away”; “Writes to a table hang and pg_locks shows a prepared transaction”',
      ].join('\n'),
    );
    expect(readme).toContain(
      [
        '- [scripts/prepared-count.sql](scripts/prepared-count.sql): Count prepared transactions (psql -f), verified on PostgreSQL 18.6, 17.11 and 16.15 with pg_tviews 0.1.0-beta.34',
        '  - **What it does:** Prints how many prepared transactions exist and the age of the oldest; run it before and after finishing one.',
        '  - **Embedded in:** [TVIEW health check, “Count prepared transactions”](01-health-monitoring/tview-health-check.md#count-prepared-transactions)',
      ].join('\n'),
    );
    // A script is listed once, under Scripts; the other snippet files under Command files.
    const scripts = readme.slice(readme.indexOf('## Scripts'), readme.indexOf('## Command files'));
    const commands = readme.slice(readme.indexOf('## Command files'));
    expect(scripts).not.toContain('scripts/queue-commit-prepared.sql');
    expect(commands).not.toContain('scripts/prepared-count.sql');
    expect(commands).toContain('- [scripts/queue-commit-prepared.sql](scripts/queue-commit-prepared.sql): Commit a stuck prepared transaction, verified on');
  });

  it('exports a checklist as a plain task list, proven by the runbooks its items link to', () => {
    const out = path.join(tempDir(), 'runbooks');
    exportRunbooks(fixture('verified'), out);
    const checklist = read(out, '04-incident-response/incident-checklist.md');
    expect(checklist).toContain('- [ ] Compare the TVIEW with its view: [health check](../01-health-monitoring/tview-health-check.md#compare-the-tview-with-its-view)');
    expect(checklist).toContain('- [ ] Post this checklist in the incident channel ([how](#3-hand-over))');
    expect(checklist).toContain(
      "- **Proven by:** the steps its items link to, each proven by its runbook's scenarios: [TVIEW health check](../01-health-monitoring/tview-health-check.md) (1 scenario passed); [A prepared transaction will not go away](stuck-prepared-transaction.md) (1 scenario passed)",
    );
    expect(checklist).not.toContain('rb-check');
  });

  it('exports a script that no page embeds yet, and says so', () => {
    const root = tempDir();
    cpSync(fixture('verified').root, root, { recursive: true, filter: (source) => !/\/(dist|\.astro)$/.test(source) });
    writeFileSync(path.join(root, 'snippets/scripts/lonely.sql'), readFileSync(path.join(root, 'snippets/scripts/prepared-count.sql'), 'utf8').replace('Count prepared', 'Lonely count of prepared'));
    const out = path.join(root, 'out');
    const result = exportRunbooks(projectPaths(root), out);
    expect(result.files).toContain('scripts/lonely.sql');
    expect(result.unverified.map((snippet) => [snippet.name, snippet.status])).toEqual([['scripts/lonely', 'unverified']]);
    expect(read(out, 'README.md')).toContain('- [scripts/lonely.sql](scripts/lonely.sql): Lonely count of prepared transactions (psql -f), NOT VERIFIED (unverified)\n  - **What it does:**');
    expect(read(out, 'README.md')).toContain('  - **Embedded in:** no runbook yet');
  });

  it('marks a snippet that is not verified where it appears, and in the README', () => {
    const out = path.join(tempDir(), 'runbooks');
    const result = exportRunbooks(fixture('stale'), out);
    expect(result.unverified.map((snippet) => [snippet.name, snippet.status])).toEqual([['health/prepared-count', 'stale']]);
    expect(read(out, '01-health-monitoring/queue-check.md')).toContain('> **⚠️ NOT VERIFIED (stale)**: snippets/health/prepared-count.sql changed after reports/verify.json was written');
    expect(read(out, 'README.md')).toContain('0 of 1 exported snippets are verified');
    expect(read(out, 'README.md')).toContain('[scripts/health-prepared-count.sql](scripts/health-prepared-count.sql): Count prepared transactions, NOT VERIFIED (stale)');
  });

  it('writes nothing when a snippet has no file', () => {
    const out = path.join(tempDir(), 'runbooks');
    const result = exportRunbooks(fixture('missing'), out);
    expect(result.errors.map((problem) => problem.message)).toEqual(['snippet "health/not-there" is missing: there is no snippet file snippets/health/not-there.sql or .sh']);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a folder it did not write, and replaces its own export whole', () => {
    const parent = tempDir();
    writeFileSync(path.join(parent, 'notes.txt'), 'mine');
    expect(() => exportRunbooks(fixture('verified'), parent)).toThrow(ExportFolderError);
    expect(read(parent, 'notes.txt')).toBe('mine');

    const out = path.join(parent, 'runbooks');
    exportRunbooks(fixture('verified'), out);
    writeFileSync(path.join(out, 'renamed-long-ago.md'), 'old');
    exportRunbooks(fixture('verified'), out);
    expect(existsSync(path.join(out, 'renamed-long-ago.md'))).toBe(false);
    expect(existsSync(path.join(out, 'README.md'))).toBe(true);
  });

  it('turns MDX-only syntax into plain Markdown and rewrites links between pages', () => {
    const root = tempDir();
    cpSync(fixture('verified').root, root, { recursive: true, filter: (source) => !/\/(dist|\.astro)$/.test(source) });
    writeFileSync(
      path.join(root, 'content', 'notes.mdx'),
      [
        '---',
        'title: Notes',
        '---',
        "import { Aside } from '@astrojs/starlight/components';",
        '',
        'Keep the ratio:high in mind; see [the health check](/01-health-monitoring/tview-health-check/#procedure).',
        '',
        '<Aside type="caution" title="Careful">Read twice.</Aside>',
        '',
        ':::tip[Shortcut]',
        'Use the index.',
        ':::',
        '',
        'Computed: {1 + 1}',
        '',
      ].join('\n'),
    );
    const result = exportRunbooks(projectPaths(root), path.join(root, 'out'));
    const notes = read(path.join(root, 'out'), 'notes.md');
    expect(notes).not.toContain('import');
    expect(notes).toContain('Keep the ratio:high in mind; see [the health check](01-health-monitoring/tview-health-check.md#procedure).');
    expect(notes).toContain('> **Careful:**');
    expect(notes).toContain('Read twice.');
    expect(notes).toContain('> **Shortcut:**');
    expect(notes).not.toContain('{1 + 1}');
    expect(result.warnings.map((problem) => `${problem.file}:${problem.line}: ${problem.message}`)).toEqual(['content/notes.mdx:14: an MDX expression cannot be exported; it is left out of the Markdown']);
  });
});

// Each test starts the CLI (one or two Node processes): seconds on a busy machine.
describe('the export command', { timeout: 30_000 }, () => {
  const cli = path.join(import.meta.dirname, '../../scripts/runbooks.ts');
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'export', ...args], { encoding: 'utf8' });

  it('exits 0 and says where it wrote', () => {
    const out = path.join(tempDir(), 'runbooks');
    const result = run('--root', fixture('verified').root, '--out', out);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`export: wrote 11 files to ${out}`);
  });

  it('exits 1 with --strict when a snippet is not verified, 0 without', () => {
    expect(run('--root', fixture('stale').root, '--out', path.join(tempDir(), 'a')).status).toBe(0);
    const strict = run('--root', fixture('stale').root, '--out', path.join(tempDir(), 'b'), '--strict');
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain('export: snippet "health/prepared-count" is stale');
  });

  it('exits 2 for a folder it must not overwrite', () => {
    const parent = tempDir();
    mkdirSync(path.join(parent, 'x'));
    const result = run('--root', fixture('verified').root, '--out', parent);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('is not empty and was not written by runbooks export');
  });
});

// The command line needs git-free node: make sure the test runs the same Node as npm scripts.
it('runs under Node 24', () => {
  expect(Number(execFileSync(process.execPath, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim())).toBeGreaterThanOrEqual(24);
});
