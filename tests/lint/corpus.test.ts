import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintSnippets, type Diagnostic } from '../../src/lint/index.ts';
import { findSnippetFiles, loadSnippet } from '../../src/snippets/snippet.ts';
import { context, corpusRoot, testsRoot } from './helpers.ts';

/**
 * The corpus: snippets/good/ holds snippets written the way runbooks should be, which must
 * lint clean; every other folder is named after a rule and holds snippets broken on purpose.
 * A broken snippet says what it must trigger, in a comment:
 *   `expect-next-line: <rule>`  the rule fires on the next line;
 *   `expect: <rule>`            the rule fires somewhere in the file.
 * squawk's findings are rules too (`squawk/require-concurrent-index-creation`), in snippets/squawk/.
 * It must trigger exactly the rules it names, so a rule that starts firing on the wrong
 * snippets fails here too.
 */

interface Expectation {
  rule: string;
  line?: number;
}

function expectationsOf(text: string): Expectation[] {
  const expectations: Expectation[] = [];
  text.split('\n').forEach((line, index) => {
    const match = /(?:--|#)\s*(?:#\s*)?(expect-next-line|expect):\s*([a-z/-]+)/.exec(line);
    if (match) expectations.push({ rule: match[2], line: match[1] === 'expect-next-line' ? index + 2 : undefined });
  });
  return expectations;
}

const snippetsRoot = path.join(corpusRoot, 'snippets');
const files = await findSnippetFiles([snippetsRoot]);
const snippets = await Promise.all(files.map((file) => loadSnippet(file, { projectRoot: testsRoot, snippetsRoot })));
const diagnostics = await lintSnippets(snippets, context());
const byFile = new Map<string, Diagnostic[]>();
for (const d of diagnostics) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);

describe('lint corpus', () => {
  it('has good snippets and broken snippets for every rule it names', () => {
    const areas = new Set(snippets.map((s) => s.name.split('/')[0]));
    expect(areas.has('good')).toBe(true);
    expect(areas.size).toBeGreaterThan(15);
  });

  for (const snippet of snippets) {
    const found = byFile.get(snippet.relativeFile) ?? [];
    if (snippet.name.startsWith('good/')) {
      it(`${snippet.name} lints clean`, () => {
        expect(found.map((d) => `${d.line}:${d.column} ${d.rule} ${d.message}`)).toEqual([]);
      });
      continue;
    }
    const expectations = expectationsOf(readFileSync(snippet.file, 'utf8'));
    it(`${snippet.name} triggers exactly ${[...new Set(expectations.map((e) => e.rule))].join(', ')}`, () => {
      expect(expectations.length).toBeGreaterThan(0);
      // A folder is named after its rule; squawk's rules (squawk/<rule>) share the folder squawk/.
      const area = snippet.name.split('/')[0];
      const ofArea = (rule: string) => rule === area || rule.startsWith(`${area}/`);
      expect(expectations.every((e) => ofArea(e.rule) || expectations.some((x) => ofArea(x.rule)))).toBe(true);
      const errors = found.filter((d) => d.severity === 'error');
      expect([...new Set(errors.map((d) => d.rule))].sort()).toEqual([...new Set(expectations.map((e) => e.rule))].sort());
      for (const expectation of expectations.filter((e) => e.line !== undefined)) {
        expect(errors.some((d) => d.rule === expectation.rule && d.line === expectation.line), `${expectation.rule} at line ${expectation.line}`).toBe(true);
      }
      for (const d of errors) {
        expect(d.file).toBe(snippet.relativeFile);
        expect(d.hint.length).toBeGreaterThan(10);
      }
    });
  }
});
