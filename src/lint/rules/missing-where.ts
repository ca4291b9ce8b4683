import type { LintRule } from '../rule.ts';

/** missing-where: UPDATE or DELETE without WHERE touches every row. */
export const missingWhereRule: LintRule = {
  id: 'missing-where',
  description: 'UPDATE or DELETE without a WHERE clause (every row of the table)',
  hint: "add a WHERE clause naming the rows (e.g. WHERE pk_<entity> = :'pk'); to empty a table on purpose use TRUNCATE in a destructive snippet",
  severity: 'error',
  check({ sql }) {
    return (sql?.statements ?? [])
      .filter((s) => (s.type === 'UpdateStmt' || s.type === 'DeleteStmt') && !s.fields.whereClause)
      .map((s) => {
        const { line, column } = s.at(undefined);
        return { line, column, message: `${s.type === 'UpdateStmt' ? 'UPDATE' : 'DELETE'} without WHERE changes every row of ${s.fields.relation?.relname ?? 'the table'}` };
      });
  },
};
