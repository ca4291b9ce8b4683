import type { Finding } from '../diagnostic.ts';
import type { LintRule } from '../rule.ts';
import { asNode, nameParts, stringConstant, walk, type AstVisit } from '../sql/ast.ts';
import { isParameterText, type ParsedStatement } from '../sql/parse.ts';

/**
 * terminate-backend: pg_terminate_backend / pg_cancel_backend applied to pids picked by a
 * query must exclude the caller's own session (pid <> pg_backend_pid()) and sessions that are
 * not clients (backend_type = 'client backend'; autovacuum, walsender and other workers must
 * be left alone). A pid given as a parameter is a deliberate choice and passes; a literal
 * pid is a guess that will be wrong on the reader's server.
 */

const TERMINATORS = new Set(['pg_terminate_backend', 'pg_cancel_backend']);

interface Guards {
  ownPid: boolean;
  clientsOnly: boolean;
}

function guardsIn(root: unknown): Guards {
  const guards: Guards = { ownPid: false, clientsOnly: false };
  walk(root, ({ type, fields }) => {
    if (type === 'FuncCall' && nameParts(fields.funcname).at(-1) === 'pg_backend_pid') guards.ownPid = true;
    if (type === 'ColumnRef' && nameParts(fields.fields).at(-1) === 'backend_type') guards.clientsOnly = true;
    // `WHERE pid = :'pid'`: the reader picked the session; that choice is the guard.
    if (type === 'A_Expr' && nameParts(fields.name).join() === '=' && comparesPidWithParameter(fields.lexpr, fields.rexpr)) {
      guards.ownPid = guards.clientsOnly = true;
    }
  });
  return guards;
}

function comparesPidWithParameter(left: unknown, right: unknown): boolean {
  const isPid = (value: unknown) => asNode(value)?.type === 'ColumnRef' && nameParts(asNode(value)!.fields.fields).at(-1) === 'pid';
  const isParameter = (value: unknown) => {
    const node = asNode(value);
    const constant = node?.type === 'TypeCast' ? node.fields.arg : value;
    return isParameterText(stringConstant(constant) ?? '');
  };
  return (isPid(left) && isParameter(right)) || (isPid(right) && isParameter(left));
}

/** The WHERE clause of the nearest enclosing SELECT (or UPDATE/DELETE) of a call. */
function enclosingWhere(visit: AstVisit, statement: ParsedStatement): unknown {
  for (let i = visit.ancestors.length - 1; i >= 0; i--) {
    const where = visit.ancestors[i].fields.whereClause;
    if (where) return where;
  }
  return statement.fields.whereClause;
}

export const terminateBackendRule: LintRule = {
  id: 'terminate-backend',
  description: "pg_terminate_backend/pg_cancel_backend without excluding the caller's own pid and non-client backends, or with a literal pid",
  hint: "filter with WHERE pid <> pg_backend_pid() AND backend_type = 'client backend' (or take the pid as a parameter :'pid')",
  severity: 'error',
  check({ sql }) {
    const findings: Finding[] = [];
    const statements = sql?.statements ?? [];
    // In a DO block the pids usually come from a FOR loop's query, a separate statement:
    // the guards of every statement of that block count.
    const blockGuards = (unit: ParsedStatement['unit']) =>
      statements.filter((s) => s.unit === unit && s.origin !== 'script').reduce<Guards>((all, s) => {
        const g = guardsIn(s.fields.whereClause ?? s.node);
        return { ownPid: all.ownPid || g.ownPid, clientsOnly: all.clientsOnly || g.clientsOnly };
      }, { ownPid: false, clientsOnly: false });
    for (const statement of statements) {
      walk(statement.node, (visit) => {
        const { type, fields } = visit;
        if (type !== 'FuncCall') return;
        const name = nameParts(fields.funcname).at(-1) ?? '';
        if (!TERMINATORS.has(name)) return;
        const { line, column } = statement.at(fields.location);
        const argument = asNode(fields.args?.[0]);
        if (argument?.type === 'A_Const') {
          const text = stringConstant(fields.args[0]);
          if (text === undefined || !isParameterText(text)) findings.push({ line, column, message: `${name} with a literal pid: pids differ on every server and every minute` });
          return;
        }
        if (argument?.type === 'TypeCast' && isParameterText(stringConstant(argument.fields.arg) ?? '')) return;
        const guards = statement.origin === 'script' ? guardsIn(enclosingWhere(visit, statement)) : blockGuards(statement.unit);
        const missing = [!guards.ownPid && 'pid <> pg_backend_pid()', !guards.clientsOnly && "backend_type = 'client backend'"].filter(Boolean);
        if (missing.length > 0) findings.push({ line, column, message: `${name} on pids from a query that does not filter ${missing.join(' and ')}` });
      });
    }
    return findings;
  },
};
