import type { LintRule } from '../rule.ts';

/** sql-syntax: the PostgreSQL 17 parser (or PL/pgSQL, for DO blocks) rejects the text. */
export const sqlSyntaxRule: LintRule = {
  id: 'sql-syntax',
  description: 'SQL that the real PostgreSQL 17 parser rejects (PL/pgSQL compile errors in DO blocks included)',
  hint: 'fix the SQL at that position; psql would stop there with the same error',
  severity: 'error',
  check({ sql }) {
    return (sql?.syntaxErrors ?? []).map((error) => {
      const firstWord = /^[A-Za-z_]+/.exec(error.statement.text)?.[0];
      const atFirstWord = error.position.offset === error.statement.start.offset && firstWord !== undefined;
      if (atFirstWord && error.message.startsWith('syntax error')) {
        return {
          line: error.position.line,
          column: error.position.column,
          message: `'${firstWord}' starts no SQL statement, and psql has no such command either`,
          hint: "to print a heading use \\echo '…' (or a -- comment); otherwise start the statement with an SQL command",
        };
      }
      return { line: error.position.line, column: error.position.column, message: error.message };
    });
  },
};
