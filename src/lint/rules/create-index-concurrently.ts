import { createdTables, LOCK_GUARD_HINT, lockGuard, missingGuard, statementOffset, statementRelation } from '../locks.ts';
import type { FindingFor, LintRule } from '../rule.ts';
import { reportedBySquawk, squawkResults } from './squawk.ts';

/**
 * create-index-concurrently: a plain CREATE INDEX locks the table against writes for the
 * whole build. On a live table (any table the snippet did not create itself) that stalls the
 * application, and for a tb_ table every TVIEW fed by it. squawk reports the statements it
 * reads (squawk/require-concurrent-index-creation); this rule covers the ones it cannot see,
 * inside DO blocks, with the same guard (lint/locks.ts).
 */
export const createIndexConcurrentlyRule: LintRule = {
  id: 'create-index-concurrently',
  description: 'CREATE INDEX without CONCURRENTLY on a table the snippet did not create, where squawk cannot see it (in a DO block): blocks writes for the whole build',
  hint: `use CREATE INDEX CONCURRENTLY (outside a transaction block) so writes continue during the build; ${LOCK_GUARD_HINT.replace(/^use the non-blocking form[^;]*; /, '')}`,
  severity: 'error',
  async checkAll(subjects, context) {
    const results = await squawkResults(subjects, context);
    const findings: FindingFor[] = [];
    for (const { snippet, sql } of subjects) {
      if (!sql) continue;
      const created = createdTables(sql);
      const guard = lockGuard(snippet, sql);
      for (const statement of sql.statements) {
        if (statement.type !== 'IndexStmt' || statement.fields.concurrent) continue;
        const table = statementRelation(statement);
        if (table && (created.has(table) || created.has(statement.fields.relation?.relname))) continue;
        if (reportedBySquawk(results.get(snippet.file), statement)) continue;
        const offset = statementOffset(statement);
        if (guard.timeoutAt(offset) && guard.reasonDeclared) continue;
        const { line, column } = statement.at(undefined);
        findings.push({ snippet, line, column, message: `CREATE INDEX without CONCURRENTLY blocks writes to ${statement.fields.relation?.relname ?? 'the table'} until the index is built; ${missingGuard(guard, offset)}` });
      }
    }
    return findings;
  },
};
