import type { Finding } from '../diagnostic.ts';
import type { LintRule, LintSubject } from '../rule.ts';
import { asNode, nameParts, stringConstant, walk } from '../sql/ast.ts';
import { isParameterText } from '../sql/parse.ts';

/**
 * hard-coded-connection: a database name, host or credential written into a snippet. A
 * runbook is run against the reader's server: where to connect comes from the environment
 * (PGHOST, PGDATABASE, ~/.pgpass) or from a parameter, never from the text.
 */

const CONNECTION_STRING = /\b(?:host|hostaddr|dbname|password)\s*=\s*[^\s'"$]|postgres(?:ql)?:\/\/[^\s'"]*\w/i;

function sqlFindings(subject: LintSubject): Finding[] {
  const findings: Finding[] = [];
  const sql = subject.sql!;
  for (const meta of sql.metaCommands) {
    const literal = meta.args.split(/\s+/).filter((word) => word && word !== '-' && !word.startsWith(':'));
    if ((meta.name === 'c' || meta.name === 'connect') && literal.length > 0) {
      findings.push({ line: meta.start.line, column: meta.start.column, message: `\\${meta.name} ${meta.args} names a database or host: the reader's differ` });
    }
  }
  for (const statement of sql.statements) {
    const report = (location: number | undefined, message: string) => findings.push({ ...statement.at(location), message });
    const literalName = (value: unknown) => {
      // Option values (a role's PASSWORD) come as String nodes, expressions as A_Const.
      const text = typeof value === 'string' ? value : stringConstant(value) ?? asNode(value)?.fields.sval;
      return text !== undefined && !isParameterText(text) ? text : undefined;
    };
    if (['CreatedbStmt', 'DropdbStmt', 'AlterDatabaseStmt', 'AlterDatabaseSetStmt'].includes(statement.type)) {
      const name = literalName(statement.fields.dbname);
      if (name) report(undefined, `database name '${name}' is written into the snippet`);
    }
    walk(statement.node, ({ type, fields }) => {
      if (type === 'A_Const') {
        const text = literalName({ A_Const: fields });
        if (text && CONNECTION_STRING.test(text)) report(fields.location, 'a connection string with a host, database or password is written into the snippet');
      }
      if (type === 'A_Expr' && asNode(fields.lexpr)?.type === 'ColumnRef' && nameParts(asNode(fields.lexpr)!.fields.fields).at(-1) === 'datname') {
        const values = Array.isArray(asNode(fields.rexpr)?.fields.items) ? asNode(fields.rexpr)!.fields.items : [fields.rexpr];
        for (const value of values) {
          const name = literalName(value);
          if (name) report(asNode(value)?.fields.location, `database name '${name}' is written into the snippet: use current_database() or a parameter`);
        }
      }
      if (type === 'DefElem' && fields.defname === 'password' && literalName(fields.arg)) {
        report(fields.location, 'a password is written into the snippet');
      }
    });
  }
  return findings;
}

const BASH_ASSIGNMENT = /\b(PGHOST|PGHOSTADDR|PGDATABASE|PGPASSWORD|PGUSER)=(?!["']?\$)["']?[^\s"'$;]+/;
const BASH_OPTION = /(?:^|\s)(-h|--host|-d|--dbname)(?:=|\s+)(?!["']?\$)["']?[A-Za-z0-9_.-]+/;

function bashFindings(subject: LintSubject): Finding[] {
  const findings: Finding[] = [];
  const lines = subject.snippet.text.split('\n');
  lines.forEach((line, index) => {
    if (index + 1 < subject.snippet.bodyLine || /^\s*#/.test(line)) return;
    for (const [pattern, what] of [[BASH_ASSIGNMENT, 'a connection setting'], [BASH_OPTION, 'a host or database option'], [CONNECTION_STRING, 'a connection string']] as const) {
      const match = pattern.exec(line);
      if (!match) continue;
      // psql's -d/-h belong to a psql (or pg_*) command; elsewhere -d is something else.
      if (pattern === BASH_OPTION && !/\b(psql|pg_\w+|vacuumdb|reindexdb|createdb|dropdb)\b/.test(line)) continue;
      findings.push({ line: index + 1, column: match.index + 1 + (match[0].length - match[0].trimStart().length), message: `${what} is written into the script: '${match[0].trim()}'` });
      break;
    }
  });
  return findings;
}

export const hardCodedConnectionRule: LintRule = {
  id: 'hard-coded-connection',
  description: 'a database name, host or credential written into a snippet (\\connect db, datname = \'x\', host=…, PGPASSWORD=…, psql -h host)',
  hint: "leave connection settings to the environment (PGHOST, PGDATABASE, ~/.pgpass); use current_database() or a parameter for names",
  severity: 'error',
  check(subject) {
    return [...(subject.snippet.language === 'bash' ? bashFindings(subject) : []), ...(subject.sql ? sqlFindings(subject) : [])];
  },
};
