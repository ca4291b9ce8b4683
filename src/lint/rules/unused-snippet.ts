import type { LintRule } from '../rule.ts';
import { isCatalogueSnippet } from '../snippet-names.ts';

/** unused-snippet: no runbook embeds the snippet, so nobody can find it. */
export const unusedSnippetRule: LintRule = {
  id: 'unused-snippet',
  description: 'a snippet under snippets/ that no runbook in content/ embeds',
  hint: 'embed it in a runbook with ::snippet{name="<area>/<name>"}, or delete it',
  severity: 'error',
  checkAll(subjects, context) {
    if (!context.runbookReferences) return [];
    const used = new Set(context.runbookReferences.map((r) => r.name));
    return subjects
      .filter(({ snippet }) => isCatalogueSnippet(snippet.file, context.snippetsRoot) && !used.has(snippet.name))
      .map(({ snippet }) => ({ snippet, line: 1, column: 1, message: `no runbook in content/ embeds '${snippet.name}'` }));
  },
};
