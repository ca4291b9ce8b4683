import path from 'node:path';
import type { FindingFor, LintRule, LintSubject } from '../rule.ts';

const NAME_PART = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** True when the file is inside snippets/, i.e. one of the catalogue's snippets. */
export function isCatalogueSnippet(file: string, snippetsRoot: string): boolean {
  const relative = path.relative(snippetsRoot, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Why a snippet name is not `<area>/<name>` in lower-case kebab words, or undefined. */
export function snippetNameProblem(name: string): string | undefined {
  const parts = name.split('/');
  if (parts.length !== 2) return `'${name}' is not <area>/<name>: snippets live exactly one folder below snippets/`;
  const bad = parts.find((part) => !NAME_PART.test(part));
  return bad === undefined ? undefined : `'${bad}' in '${name}' is not lower-case words joined by hyphens`;
}

/** snippet-name: a snippet under snippets/ must be named `<area>/<name>` in kebab case. */
export const snippetNameRule: LintRule = {
  id: 'snippet-name',
  description: 'a file under snippets/ that is not snippets/<area>/<name>.sql|.sh in lower-case kebab words',
  hint: 'move or rename the file to snippets/<area>/<name>.sql (or .sh), e.g. snippets/health/tview-status.sql',
  severity: 'error',
  check({ snippet }, context) {
    if (!isCatalogueSnippet(snippet.file, context.snippetsRoot)) return [];
    const problem = snippetNameProblem(snippet.name);
    return problem ? [{ line: 1, column: 1, message: problem }] : [];
  },
};

/** duplicate-name: two files give the same snippet name (a .sql and a .sh, or names differing only in case). */
export const duplicateNameRule: LintRule = {
  id: 'duplicate-name',
  description: 'two snippet files with the same name (e.g. x.sql and x.sh, or names differing only in case)',
  hint: 'rename one of them: a runbook refers to a snippet by name only, so names must be unique',
  severity: 'error',
  checkAll(subjects: LintSubject[], context) {
    const byName = new Map<string, LintSubject[]>();
    for (const subject of subjects) {
      if (!isCatalogueSnippet(subject.snippet.file, context.snippetsRoot)) continue;
      const key = subject.snippet.name.toLowerCase();
      byName.set(key, [...(byName.get(key) ?? []), subject]);
    }
    const findings: FindingFor[] = [];
    for (const group of byName.values()) {
      if (group.length < 2) continue;
      for (const { snippet } of group) {
        const others = group.filter((s) => s.snippet !== snippet).map((s) => s.snippet.relativeFile);
        findings.push({ snippet, line: 1, column: 1, message: `snippet name '${snippet.name}' is also used by ${others.join(', ')}` });
      }
    }
    return findings;
  },
};
