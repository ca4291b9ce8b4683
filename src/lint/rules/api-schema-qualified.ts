import type { Finding } from '../diagnostic.ts';
import type { LintRule } from '../rule.ts';
import { asNode, nameParts, stringConstant, walk } from '../sql/ast.ts';

/**
 * api-schema-qualified: an unqualified name of an existing pg_tviews function or relation.
 * pg_tviews lives in its own schema (tviews), which is not on the default search_path, so
 * `SELECT pg_tviews_health_check()` fails on a reader's server unless the snippet itself puts
 * the schema on the search_path first.
 */
export const apiSchemaQualifiedRule: LintRule = {
  id: 'api-schema-qualified',
  description: "an unqualified pg_tviews function or relation: the extension's schema is not on the default search_path",
  hint: 'qualify the name with the schema (tviews.pg_tviews_refresh(…)), or SET search_path to include tviews earlier in the snippet',
  severity: 'error',
  usesApi: true,
  check({ sql }, { api }) {
    const home = api.snapshot.schema;
    const findings: Finding[] = [];
    let searchPathSet = false;
    for (const statement of sql?.statements ?? []) {
      if (setsSearchPath(statement.node, home)) searchPathSet = true;
      if (searchPathSet) continue;
      walk(statement.node, ({ type, fields }) => {
        let name: string | undefined;
        let location: number | undefined;
        if (type === 'FuncCall') {
          const parts = nameParts(fields.funcname);
          if (parts.length === 1 && api.functions.has(parts[0])) [name, location] = [`${parts[0]}()`, fields.location];
        } else if (type === 'RangeVar' && !fields.schemaname && api.relations.has(fields.relname)) {
          [name, location] = [fields.relname, fields.location];
        }
        if (name) findings.push({ ...statement.at(location), message: `${name} is in schema ${home}, which is not on the default search_path: write ${home}.${name}` });
      });
    }
    return findings;
  },
};

/** `SET search_path = …, tviews` or `SELECT set_config('search_path', '…tviews…', …)`. */
function setsSearchPath(node: unknown, schema: string): boolean {
  let found = false;
  walk(node, ({ type, fields }) => {
    if (type === 'VariableSetStmt' && fields.name === 'search_path') {
      found ||= (fields.args ?? []).some((arg: unknown) => stringConstant(arg) === schema || asNode(arg)?.fields.sval?.sval === schema);
    }
    if (type === 'FuncCall' && nameParts(fields.funcname).at(-1) === 'set_config' && stringConstant(fields.args?.[0]) === 'search_path') {
      found ||= (stringConstant(fields.args?.[1]) ?? '').split(',').some((part) => part.trim() === schema);
    }
  });
  return found;
}
