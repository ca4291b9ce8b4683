import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintSnippets } from '../../src/lint/index.ts';
import { createSnippetFile, ScaffoldError } from '../../src/snippets/scaffold.ts';
import { loadSnippet } from '../../src/snippets/snippet.ts';
import { apiCatalog, lintTargets } from './helpers.ts';

let root: string;
let snippetsRoot: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'new-snippet-'));
  snippetsRoot = path.join(root, 'snippets');
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function lintNew(file: string, name: string) {
  const snippet = await loadSnippet(file, { projectRoot: root, snippetsRoot });
  const context = { api: apiCatalog, targets: lintTargets, snippetsRoot, projectRoot: root, knownSnippetNames: new Set([name]), runbookReferences: [{ file: 'content/a.mdx', line: 1, column: 1, name }] };
  return { snippet, diagnostics: await lintSnippets([snippet], context) };
}

describe('runbooks new snippet', () => {
  it.each([
    ['health/tview-version', 'sql', 'read-only'],
    ['remedy/drop-tview', 'sql', 'destructive'],
    ['monitor/queue-watch', 'bash', 'read-only'],
  ] as const)('scaffolds %s (%s, %s) that passes lint', async (name, language, safety) => {
    const file = await createSnippetFile({ name, language, safety, snippetsRoot });
    expect(file).toBe(path.join(snippetsRoot, `${name}.${language === 'sql' ? 'sql' : 'sh'}`));
    const { snippet, diagnostics } = await lintNew(file, name);
    expect(snippet.headerProblems).toEqual([]);
    expect(snippet.header?.safety).toBe(safety);
    expect(diagnostics).toEqual([]);
  });

  it('uses a given title', async () => {
    const file = await createSnippetFile({ name: 'health/titled', language: 'sql', safety: 'read-only', title: 'Is every TVIEW "fresh"?', snippetsRoot });
    expect((await loadSnippet(file, { projectRoot: root, snippetsRoot })).header?.title).toBe('Is every TVIEW "fresh"?');
  });

  it('refuses to overwrite, also across languages, and leaves the file as it was', async () => {
    const file = await createSnippetFile({ name: 'health/once', language: 'sql', safety: 'read-only', snippetsRoot });
    await writeFile(file, '-- edited by the author\n');
    await expect(createSnippetFile({ name: 'health/once', language: 'sql', safety: 'read-only', snippetsRoot })).rejects.toThrow(/already exists/);
    await expect(createSnippetFile({ name: 'health/once', language: 'bash', safety: 'read-only', snippetsRoot })).rejects.toThrow(ScaffoldError);
    expect(await readFile(file, 'utf8')).toBe('-- edited by the author\n');
    await expect(stat(path.join(snippetsRoot, 'health', 'once.sh'))).rejects.toThrow();
  });

  it.each(['health', 'Health/x', 'health/with space', 'a/b/c', '../escape/x', 'health/under_score'])('refuses the name %s', async (name) => {
    await expect(createSnippetFile({ name, language: 'sql', safety: 'read-only', snippetsRoot })).rejects.toThrow(ScaffoldError);
  });
});
