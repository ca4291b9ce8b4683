import type { LintRule } from '../rule.ts';

/**
 * create-index-concurrently: a plain CREATE INDEX locks the table against writes for the
 * whole build. On a live table (any table the snippet did not create itself) that stalls the
 * application, and for a tb_ table every TVIEW fed by it.
 */
export const createIndexConcurrentlyRule: LintRule = {
  id: 'create-index-concurrently',
  description: 'CREATE INDEX without CONCURRENTLY on a table the snippet did not create (blocks writes for the whole build)',
  hint: 'use CREATE INDEX CONCURRENTLY (outside a transaction block) so writes continue during the build',
  severity: 'error',
  check({ sql }) {
    const created = new Set<string>();
    const findings = [];
    for (const statement of sql?.statements ?? []) {
      const f = statement.fields;
      if (statement.type === 'CreateStmt' || statement.type === 'CreateTableAsStmt') {
        const relation = f.relation ?? f.into?.rel;
        if (relation?.relname) created.add(relation.relname);
      }
      if (statement.type === 'IndexStmt' && !f.concurrent && !created.has(f.relation?.relname)) {
        const { line, column } = statement.at(undefined);
        findings.push({ line, column, message: `CREATE INDEX without CONCURRENTLY blocks writes to ${f.relation?.relname ?? 'the table'} until the index is built` });
      }
    }
    return findings;
  },
};
