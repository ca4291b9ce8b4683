import type { LintRule } from '../rule.ts';
import { isCatalogueSnippet, snippetNameProblem } from '../snippet-names.ts';

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
