import type { FindingFor, LintRule, LintSubject } from '../rule.ts';
import { isCatalogueSnippet } from '../snippet-names.ts';

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
