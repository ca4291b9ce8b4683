import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snippet } from '../../src/snippets/snippet.ts';
import { selectChanged } from '../../src/verify/selection.ts';

/**
 * What `verify --changed` selects in a git repository where one snippet changed: the snippet and
 * the scenarios that run it, and not what a shared helper snippet would drag in.
 */

const files: Record<string, string> = {
  'snippets/a/changed.sql': 'SELECT 1;\n',
  'snippets/a/untouched.sql': 'SELECT 2;\n',
  'snippets/shared/helper.sql': 'SELECT 3;\n',
  // Runs the changed snippet and the helper.
  'scenarios/01-a/uses-changed.scenario.ts': "t.snippet('shared/helper'); t.snippet('a/changed');\n",
  // Runs only the helper: the change cannot alter its result.
  'scenarios/01-a/uses-helper.scenario.ts': "t.snippet('shared/helper');\n",
};

let root: string;

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.test', '-c', 'user.name=t', ...args], { cwd: root, stdio: 'ignore' });
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pgtv-changed-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
  writeFileSync(path.join(root, 'snippets/a/changed.sql'), 'SELECT 11;\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const snippet = (name: string) => ({ name, relativeFile: `snippets/${name}.sql` }) as Snippet;
const scenario = (name: string) => ({ name, file: path.join(root, `scenarios/${name}.scenario.ts`), relativeFile: `scenarios/${name}.scenario.ts` });

describe('verify --changed', () => {
  it('selects a changed snippet and the scenarios that run it, not the other snippets those scenarios run', async () => {
    const selection = await selectChanged({
      projectRoot: root,
      base: 'main',
      snippets: ['a/changed', 'a/untouched', 'shared/helper'].map(snippet),
      // The helper-only scenario comes after: an order where a spreading selection would catch it.
      scenarios: [scenario('01-a/uses-changed'), scenario('01-a/uses-helper')],
      references: [],
    });
    expect([...selection.snippets]).toEqual(['a/changed']);
    expect([...selection.scenarios]).toEqual(['01-a/uses-changed']);
    expect(selection.partial).toBe(true);
  });
});
