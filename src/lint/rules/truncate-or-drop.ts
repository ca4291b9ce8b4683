import type { LintRule } from '../rule.ts';
import { deriveSafetyFromSql } from '../safety.ts';

/** truncate-or-drop: TRUNCATE or DROP in a snippet not declared destructive. */
export const truncateOrDropRule: LintRule = {
  id: 'truncate-or-drop',
  description: "TRUNCATE or DROP (including ALTER TABLE … DROP) in a snippet not declared 'destructive'",
  hint: "declare 'safety: destructive' with 'changes' and 'undo' so the reader sees it before copying, or remove the statement",
  severity: 'error',
  check({ snippet, sql }) {
    if (!sql || !snippet.header || snippet.header.safety === 'destructive') return [];
    return deriveSafetyFromSql(sql)
      .reasons.filter((reason) => reason.kind === 'truncate' || reason.kind === 'drop')
      .map((reason) => ({ line: reason.line, column: reason.column, message: `${reason.why}, in a snippet declared '${snippet.header!.safety}'` }));
  },
};
