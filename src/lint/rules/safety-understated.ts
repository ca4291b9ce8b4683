import type { LintRule } from '../rule.ts';
import { deriveSafetyFromSql, safetyRank } from '../safety.ts';

/**
 * Findings other rules report with a more specific hint (truncate-or-drop; api-function for
 * a pg_tviews function that does not exist); repeating them would say the same thing twice.
 */
const REPORTED_ELSEWHERE = new Set(['truncate', 'drop', 'unclassified-function']);

/** safety-understated: the header declares a lower safety class than the SQL shows. */
export const safetyUnderstatedRule: LintRule = {
  id: 'safety-understated',
  description: 'the declared safety class is lower than the one derived from the parse tree (read-only < writes < destructive)',
  hint: "declare the derived class in the header's 'safety' (destructive also needs 'changes' and 'undo'), or remove the statement",
  severity: 'error',
  check({ snippet, sql }) {
    const declared = snippet.header?.safety;
    if (!sql || !declared) return [];
    const derived = deriveSafetyFromSql(sql);
    return derived.reasons
      .filter((reason) => safetyRank(reason.class) > safetyRank(declared) && !REPORTED_ELSEWHERE.has(reason.kind))
      .map((reason) => ({ line: reason.line, column: reason.column, message: `declared '${declared}' but this is ${reason.class}: ${reason.why}` }));
  },
};
