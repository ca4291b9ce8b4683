import type { Finding } from '../diagnostic.ts';
import type { LintRule, LintSubject } from '../rule.ts';
import { asNode, nameParts } from '../sql/ast.ts';
import type { SqlAnalysis } from '../sql/parse.ts';

/**
 * Parameters are psql variables the header declares with a kind: `:'name'` for a literal,
 * `:"name"` for an identifier. Variables the script sets itself (\set, \gset, \prompt,
 * \getenv) and psql's own upper-case variables (ON_ERROR_STOP, DBNAME, ROW_COUNT…) are not
 * parameters.
 */

/** Names the script gives values itself. `*` stands for "anything with this prefix". */
function variablesSetByScript(sql: SqlAnalysis): { names: Set<string>; prefixes: string[] } {
  const names = new Set<string>();
  const prefixes: string[] = [];
  for (const unit of sql.scan.units) {
    if (unit.kind === 'meta') {
      const words = unit.args.split(/\s+/).filter(Boolean);
      if (unit.name === 'set' && words[0]) names.add(words[0]);
      if (unit.name === 'prompt' && words.length > 0) names.add(words.at(-1)!);
      if (unit.name === 'getenv' && words[0]) names.add(words[0]);
    } else if (unit.terminator?.name === 'gset') {
      const prefix = unit.terminator.args.trim();
      if (prefix) prefixes.push(prefix);
      else for (const name of resultColumnNames(sql, unit.start.offset)) names.add(name);
    }
  }
  return { names, prefixes };
}

/** Output column names of the statement starting at `offset` (what \gset turns into variables). */
function resultColumnNames(sql: SqlAnalysis, offset: number): string[] {
  const statement = sql.statements.find((s) => s.origin === 'script' && s.unit.start.offset === offset);
  return (statement?.fields.targetList ?? []).map((target: unknown) => {
    const f = asNode(target)?.fields;
    if (f?.name) return f.name;
    const value = asNode(f?.val);
    if (value?.type === 'ColumnRef') return nameParts(value.fields.fields).at(-1);
    if (value?.type === 'FuncCall') return nameParts(value.fields.funcname).at(-1);
    return undefined;
  }).filter((n: unknown): n is string => typeof n === 'string');
}

function isPsqlOwnVariable(name: string): boolean {
  return name === name.toUpperCase();
}

/** parameter-declaration: a variable used but not declared, used with the wrong quoting, or declared but unused. */
export const parameterDeclarationRule: LintRule = {
  id: 'parameter-declaration',
  description: "a psql variable used but not declared in the header's params, quoted against its declared kind, or declared and never used",
  hint: "declare each :'name' / :\"name\" under params with kind literal (for :'name') or identifier (for :\"name\")",
  severity: 'error',
  check({ snippet, sql }: LintSubject) {
    if (!sql || !snippet.header || snippet.language !== 'sql') return [];
    const params = snippet.header.params;
    const set = variablesSetByScript(sql);
    const findings: Finding[] = [];
    const used = new Set<string>();
    for (const v of sql.scan.variables) {
      used.add(v.name);
      const spec = params[v.name];
      const at = { line: v.start.line, column: v.start.column };
      if (!spec) {
        const setHere = set.names.has(v.name) || set.prefixes.some((p) => v.name.startsWith(p));
        if (!setHere && !isPsqlOwnVariable(v.name)) findings.push({ ...at, message: `variable ${v.name} is not declared under params in the header` });
      } else if (v.style === 'literal' && spec.kind === 'identifier') {
        findings.push({ ...at, message: `parameter ${v.name} is declared kind identifier but used as a literal: write :"${v.name}" or change its kind` });
      } else if (v.style === 'identifier' && spec.kind === 'literal') {
        findings.push({ ...at, message: `parameter ${v.name} is declared kind literal but used as an identifier: write :'${v.name}' or change its kind` });
      }
    }
    for (const name of Object.keys(params)) {
      if (!used.has(name)) findings.push({ line: 1, column: 1, severity: 'warning', message: `parameter ${name} is declared but never used` });
    }
    return findings;
  },
};
