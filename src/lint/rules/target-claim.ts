import { claimProblems } from '../../config/claims.ts';
import type { LintRule } from '../rule.ts';

/** target-claim: a header's `targets` names a target that does not exist, or leaves none. */
export const targetClaimRule: LintRule = {
  id: 'target-claim',
  description: "the header's targets (only/except) name a target that targets.env does not have, or leave no target",
  hint: "name targets listed by 'runbooks targets', or drop the targets field when the snippet applies to every target",
  severity: 'error',
  check({ snippet }, { targets }) {
    const problems = claimProblems(snippet.header?.targets, targets.map((t) => t.target));
    const line = snippet.text.split('\n').findIndex((l) => /^(--|#) targets:/.test(l)) + 1;
    return problems.map((message) => ({ line: line || 1, column: 1, message }));
  },
};
