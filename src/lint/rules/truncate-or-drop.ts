import type { FindingFor, LintRule } from '../rule.ts';
import { statementReasons } from '../safety.ts';
import { DESTRUCTIVE_RULES, reportedBySquawk, squawkResults } from './squawk.ts';

/**
 * truncate-or-drop: TRUNCATE or DROP in a snippet not declared destructive. squawk reports the
 * drops it has rules for (squawk/ban-drop-table, …) under the same condition; this rule covers
 * the rest: TRUNCATE, drops squawk has no rule for, and statements in DO blocks.
 */
export const truncateOrDropRule: LintRule = {
  id: 'truncate-or-drop',
  description: "TRUNCATE or DROP (including ALTER TABLE … DROP) in a snippet not declared 'destructive', where squawk has no rule for it",
  hint: "declare 'safety: destructive' with 'changes' and 'undo' so the reader sees it before copying, or remove the statement",
  severity: 'error',
  async checkAll(subjects, context) {
    const results = await squawkResults(subjects, context);
    const findings: FindingFor[] = [];
    for (const { snippet, sql } of subjects) {
      if (!sql || !snippet.header || snippet.header.safety === 'destructive') continue;
      for (const statement of sql.statements) {
        if (reportedBySquawk(results.get(snippet.file), statement, DESTRUCTIVE_RULES)) continue;
        for (const reason of statementReasons(statement)) {
          if (reason.kind !== 'truncate' && reason.kind !== 'drop') continue;
          findings.push({ snippet, line: reason.line, column: reason.column, message: `${reason.why}, in a snippet declared '${snippet.header.safety}'` });
        }
      }
    }
    return findings.sort((a, b) => a.line - b.line || a.column - b.column);
  },
};
