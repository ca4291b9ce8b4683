import { didYouMean, suggestionText } from '../api/did-you-mean.ts';
import type { FindingFor, LintRule } from '../rule.ts';

/** unresolved-reference: a runbook's `::snippet` names no existing snippet. */
export const unresolvedReferenceRule: LintRule = {
  id: 'unresolved-reference',
  description: "a runbook's ::snippet directive without a name, or naming no snippet under snippets/",
  hint: 'write ::snippet{name="<area>/<name>"} with the path of an existing snippet file under snippets/, without extension',
  severity: 'error',
  checkAll(_subjects, context) {
    const known = context.knownSnippetNames;
    if (!context.runbookReferences || !known) return [];
    const findings: FindingFor[] = [];
    for (const reference of context.runbookReferences) {
      if (context.checkReferencesIn && !context.checkReferencesIn.has(reference.file)) continue;
      if (reference.name === undefined || reference.name === '') {
        findings.push({ file: reference.file, line: reference.line, column: reference.column, message: '::snippet has no name attribute' });
      } else if (!known.has(reference.name)) {
        const hint = suggestionText(didYouMean(reference.name, known));
        findings.push({ file: reference.file, line: reference.line, column: reference.column, message: `no snippet named '${reference.name}'${hint}` });
      }
    }
    return findings;
  },
};
