import { projectSnapshots } from '../../src/api/live.ts';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLintContext, lintPaths } from '../../src/lint/index.ts';
import { extractSnippetReferences } from '../../src/lint/runbook-references.ts';
import { header } from './helpers.ts';

/**
 * Rules about the whole project (names, references between runbooks and snippets, the bash
 * tools run once for all files), on small projects written to a temporary folder.
 */

let root: string;

async function project(files: Record<string, string>): Promise<{ dir: string; lint: (paths?: string[]) => ReturnType<typeof lintPaths> }> {
  const dir = await mkdtemp(path.join(root, 'project-'));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  const layout = { projectRoot: dir, snippetsRoot: path.join(dir, 'snippets'), contentRoot: path.join(dir, 'content'), snapshots: projectSnapshots() };
  return { dir, lint: (paths = ['snippets', 'content']) => lintPaths(paths.map((p) => path.join(dir, p)), layout) };
}

const sql = `${header()}\nSELECT 1;\n`;
const bash = (body: string) => `#!/usr/bin/env bash\n${header({ prefix: '#' })}\n${body}\n`;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'lint-projects-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('snippet-name and duplicate-name', () => {
  it('passes area/name in kebab case, used by a runbook', async () => {
    const { lint } = await project({ 'snippets/health/tview-status.sql': sql, 'content/01-health/check.mdx': '# Check\n\n::snippet{name="health/tview-status"}\n' });
    expect((await lint()).diagnostics).toEqual([]);
  });
  it('reports names that are not area/name and names used twice', async () => {
    const { lint } = await project({
      'snippets/Health/Status_Check.sql': sql,
      'snippets/top-level.sql': sql,
      'snippets/health/x.sql': sql,
      'snippets/health/x.sh': bash('echo ok'),
      'content/a/b.mdx': '::snippet{name="Health/Status_Check"}\n::snippet{name="top-level"}\n::snippet{name="health/x"}\n',
    });
    const { diagnostics } = await lint();
    expect(diagnostics.filter((d) => d.rule === 'snippet-name').map((d) => [d.file, d.message])).toEqual([
      ['snippets/Health/Status_Check.sql', "'Health' in 'Health/Status_Check' is not lower-case words joined by hyphens"],
      ['snippets/top-level.sql', "'top-level' is not <area>/<name>: snippets live exactly one folder below snippets/"],
    ]);
    expect(diagnostics.filter((d) => d.rule === 'duplicate-name').map((d) => [d.file, d.message])).toEqual([
      ['snippets/health/x.sh', "snippet name 'health/x' is also used by snippets/health/x.sql"],
      ['snippets/health/x.sql', "snippet name 'health/x' is also used by snippets/health/x.sh"],
    ]);
  });
});

describe('unresolved-reference and unused-snippet', () => {
  it('reports a reference to a missing snippet with a suggestion, a nameless one, and an unused snippet', async () => {
    const { lint } = await project({
      'snippets/health/tview-status.sql': sql,
      'snippets/health/orphan.sql': sql,
      'content/01-health/check.mdx': '---\ntitle: Check\n---\n\n::snippet{name="health/tview-statu"}\n\n```md\n::snippet{name="in/a-fence"}\n```\n\n::snippet{}\n',
    });
    const { diagnostics } = await lint();
    expect(diagnostics.map((d) => [d.file, d.line, d.rule, d.message])).toEqual([
      ['content/01-health/check.mdx', 5, 'unresolved-reference', "no snippet named 'health/tview-statu'; did you mean health/tview-status?"],
      ['content/01-health/check.mdx', 11, 'unresolved-reference', '::snippet has no name attribute'],
      ['snippets/health/orphan.sql', 1, 'unused-snippet', "no runbook in content/ embeds 'health/orphan'"],
      ['snippets/health/tview-status.sql', 1, 'unused-snippet', "no runbook in content/ embeds 'health/tview-status'"],
    ]);
  });
  it('checks references only in the runbooks being linted, but counts all runbooks as users', async () => {
    const { lint } = await project({
      'snippets/health/tview-status.sql': sql,
      'content/a/uses.mdx': '::snippet{name="health/tview-status"}\n',
      'content/b/broken.mdx': '::snippet{name="no/such"}\n',
    });
    expect((await lint(['snippets'])).diagnostics).toEqual([]);
    expect((await lint(['content/b'])).diagnostics.map((d) => d.rule)).toEqual(['unresolved-reference']);
  });
  it('checks every runbook under content/ when the caller names none (what the verifier uses)', async () => {
    const { dir } = await project({ 'snippets/a/b.sql': sql, 'content/x/y.mdx': '::snippet{name="a/b"}\n::snippet{name="a/c"}\n' });
    const layout = { projectRoot: dir, snippetsRoot: path.join(dir, 'snippets'), contentRoot: path.join(dir, 'content'), snapshots: projectSnapshots() };
    const all = await createLintContext(layout);
    expect([...all.checkReferencesIn!]).toEqual(['content/x/y.mdx']);
    expect(all.runbookReferences!.map((r) => r.name)).toEqual(['a/b', 'a/c']);
    expect([...all.knownSnippetNames!]).toEqual(['a/b']);
    expect([...(await createLintContext(layout, [])).checkReferencesIn!]).toEqual([]);
  });
  it('finds references the way the site does: fences and code spans are examples', () => {
    const { references } = extractSnippetReferences('Use `::snippet{name="x/y"}`.\n\n::snippet{name="a/b"}\n\n~~~\n::snippet{name="c/d"}\n~~~\n', 'content/x.mdx');
    expect(references.map((r) => [r.name, r.line, r.column])).toEqual([['a/b', 3, 1]]);
  });
  it('falls back to a line scan when a page does not parse, and says so', () => {
    const result = extractSnippetReferences('::snippet{name="a/b"}\n\n<Broken\n', 'content/x.mdx');
    expect(result.parseError).toBeDefined();
    expect(result.references.map((r) => r.name)).toEqual(['a/b']);
  });
});

describe('bash-syntax and shellcheck', () => {
  it('pass a clean script', async () => {
    const { lint } = await project({ 'snippets/ops/ok.sh': bash('set -euo pipefail\npsql -X -c "SELECT 1"'), 'content/a/b.mdx': '::snippet{name="ops/ok"}\n' });
    expect((await lint()).diagnostics).toEqual([]);
  });
  it('report bash -n errors (without shellcheck repeating them) and shellcheck findings, per file', async () => {
    const { lint } = await project({
      'snippets/ops/broken.sh': bash('if true; then\n  echo x'),
      'snippets/ops/unquoted.sh': bash('dir=$1\nrm -rf $dir/tmp'),
      'snippets/ops/ok.sh': bash('echo ok'),
      'content/a/b.mdx': '::snippet{name="ops/broken"}\n::snippet{name="ops/unquoted"}\n::snippet{name="ops/ok"}\n',
    });
    const { diagnostics } = await lint();
    expect(diagnostics.filter((d) => d.file === 'snippets/ops/broken.sh').map((d) => [d.rule, d.message])).toEqual([['bash-syntax', 'syntax error: unexpected end of file']]);
    const unquoted = diagnostics.filter((d) => d.file === 'snippets/ops/unquoted.sh');
    expect(unquoted.map((d) => [d.rule, d.line, d.column, d.severity])).toContainEqual(['shellcheck', 9, 8, 'error']);
    expect(unquoted.find((d) => d.message.startsWith('SC2115') || d.message.startsWith('SC2086'))?.hint).toContain('shellcheck.net/wiki/SC');
    expect(diagnostics.filter((d) => d.file === 'snippets/ops/ok.sh')).toEqual([]);
  });
});

describe('bad input', () => {
  it('reports each broken snippet and goes on with the others', async () => {
    const { lint } = await project({
      'snippets/a/no-header.sql': 'SELECT 1;\n',
      'snippets/a/bad-yaml.sql': '-- ---\n-- title: [unclosed\n-- ---\nSELECT 1;\n',
      'snippets/a/syntax.sql': `${header()}\nSELECT FROM FROM;\n`,
      'snippets/a/fine.sql': sql,
      'content/a/b.mdx': ['no-header', 'bad-yaml', 'syntax', 'fine'].map((n) => `::snippet{name="a/${n}"}`).join('\n'),
    });
    const { diagnostics, snippets } = await lint();
    expect(snippets).toBe(4);
    expect(diagnostics.map((d) => [d.file, d.line, d.rule])).toEqual([
      ['snippets/a/bad-yaml.sql', 2, 'header'],
      ['snippets/a/no-header.sql', 1, 'header'],
      ['snippets/a/syntax.sql', 7, 'sql-syntax'],
    ]);
  });
  it('reports a snippet file that cannot be read and lints the rest', async () => {
    const { dir, lint } = await project({ 'snippets/a/fine.sql': sql, 'content/a/b.mdx': '::snippet{name="a/fine"}\n' });
    await symlink(path.join(dir, 'nowhere.sql'), path.join(dir, 'snippets', 'a', 'dangling.sql'));
    const { diagnostics, snippets } = await lint(['snippets']);
    expect(snippets).toBe(2);
    expect(diagnostics.map((d) => [d.file, d.rule])).toEqual([['snippets/a/dangling.sql', 'read-error']]);
    expect(diagnostics[0].message).toMatch(/^cannot read the file: ENOENT/);
  });
  it('refuses a path that does not exist', async () => {
    const { lint } = await project({ 'snippets/a/x.sql': sql });
    await expect(lint(['snippets/nope'])).rejects.toThrow(/no such file or folder/);
  });
});
