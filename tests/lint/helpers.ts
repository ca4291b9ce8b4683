import path from 'node:path';
import { fileURLToPath } from 'node:url';
import snapshot from '../../src/api/snapshots/pg18.json' with { type: 'json' };
import type { ApiSnapshot } from '../../src/api/snapshot.ts';
import { loadTargets } from '../../src/config/targets.ts';
import { indexSnapshot } from '../../src/lint/api/catalog.ts';
import { lintSnippets, type Diagnostic } from '../../src/lint/index.ts';
import type { LintContext, LintRule } from '../../src/lint/rule.ts';
import { parseSnippet, type Snippet } from '../../src/snippets/snippet.ts';

export const testsRoot = path.dirname(fileURLToPath(import.meta.url));
export const corpusRoot = path.join(testsRoot, 'corpus');
/** The primary target's API; the tests' snippets claim every target, all checked against it. */
export const apiCatalog = indexSnapshot(snapshot as ApiSnapshot);
export const lintTargets = loadTargets().all.map((target) => ({ target, api: apiCatalog }));

/** A header that passes the schema, for a snippet of the given class and parameters. */
export function header(options: { safety?: string; params?: string[]; prefix?: '--' | '#'; extra?: string[] } = {}): string {
  const prefix = options.prefix ?? '--';
  const safety = options.safety ?? 'read-only';
  const lines = [
    '---',
    'title: A test snippet',
    'description: Written by a lint test to exercise one rule.',
    `safety: ${safety}`,
    'privileges: [pg_read_all_stats]',
    ...(safety === 'destructive' ? ['changes: Changes something on purpose for the test.', 'undo: Nothing to undo, this is a test.'] : []),
    ...(options.params?.length ? ['params:', ...options.params.map((p) => `  ${p}`)] : []),
    ...(options.extra ?? []),
    '---',
  ];
  return lines.map((line) => `${prefix} ${line}`).join('\n');
}

export function snippetFrom(text: string, name = 'test/example', language: 'sql' | 'bash' = 'sql'): Snippet {
  const file = path.join(corpusRoot, 'snippets', `${name}.${language === 'sql' ? 'sql' : 'sh'}`);
  return parseSnippet(text, file, { projectRoot: testsRoot, snippetsRoot: path.join(corpusRoot, 'snippets') });
}

export function context(overrides: Partial<LintContext> = {}): LintContext {
  return { api: apiCatalog, targets: lintTargets, snippetsRoot: path.join(corpusRoot, 'snippets'), projectRoot: testsRoot, ...overrides };
}

/** Lints one SQL body under a valid header and returns the diagnostics of one rule. */
export async function lintSql(body: string, rule: LintRule, options: Parameters<typeof header>[0] = {}): Promise<Diagnostic[]> {
  const snippet = snippetFrom(`${header(options)}\n${body}\n`);
  return lintSnippets([snippet], context(), [rule]);
}

/** The 1-based line of `needle` in a snippet body linted by lintSql (header lines included). */
export function lineOf(body: string, needle: string, options: Parameters<typeof header>[0] = {}): number {
  const text = `${header(options)}\n${body}\n`;
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}
