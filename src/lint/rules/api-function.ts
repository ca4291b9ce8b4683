import type { ApiFunction } from '../../api/snapshot.ts';
import { isPgTviewsReference, signature, type ApiCatalog } from '../api/catalog.ts';
import { didYouMean, suggestionText } from '../api/did-you-mean.ts';
import type { Finding } from '../diagnostic.ts';
import type { LintRule } from '../rule.ts';
import { asNode, nameParts, walk } from '../sql/ast.ts';

/**
 * api-function: a call of a pg_tviews function that the installed extension does not have,
 * with the wrong number of arguments, or with a named argument it does not take.
 */
export const apiFunctionRule: LintRule = {
  id: 'api-function',
  description: 'a pg_tviews function that does not exist, or a call with the wrong arity or argument names (checked against the API snapshot)',
  hint: "call a function the installed pg_tviews has, with its arguments ('\\df tviews.*' lists them)",
  severity: 'error',
  usesApi: true,
  check({ sql }, { api }) {
    const findings: Finding[] = [];
    for (const statement of sql?.statements ?? []) {
      walk(statement.node, ({ type, fields }) => {
        if (type !== 'FuncCall') return;
        const parts = nameParts(fields.funcname);
        const name = parts.at(-1) ?? '';
        const schema = parts.length > 1 ? parts.at(-2) : undefined;
        if (!isPgTviewsReference(api, schema, name)) return;
        const { line, column } = statement.at(fields.location);
        const message = callProblem(api, schema, name, fields.args ?? []);
        if (message) findings.push({ line, column, message });
      });
    }
    return findings;
  },
};

function callProblem(api: ApiCatalog, schema: string | undefined, name: string, args: unknown[]): string | undefined {
  const home = api.snapshot.schema;
  const overloads = api.functions.get(name);
  if (schema !== undefined && schema !== home) {
    const where = overloads ? `; ${name} is ${home}.${name}` : suggestionText(didYouMean(name, api.functions.keys()));
    return `pg_tviews has no schema '${schema}': its objects live in schema '${home}'${where}`;
  }
  if (!overloads) {
    if (api.relations.has(name)) return `${name} is a ${api.relations.get(name)!.kind}, not a function: SELECT … FROM ${home}.${name}`;
    return `pg_tviews ${api.snapshot.version} has no function ${name}${suggestionText(didYouMean(name, api.functions.keys())) || ` (nothing similar: '\\df ${home}.*' lists what exists)`}`;
  }
  const named = args.map((a) => asNode(a)).filter((n) => n?.type === 'NamedArgExpr').map((n) => n!.fields.name as string);
  const fits = (fn: ApiFunction) =>
    args.length >= fn.minArity && (fn.maxArity === null || args.length <= fn.maxArity) && named.every((n) => fn.arguments.some((a) => a.name === n));
  if (overloads.some(fits)) return undefined;
  const unknownNames = named.filter((n) => !overloads.some((fn) => fn.arguments.some((a) => a.name === n)));
  const signatures = overloads.map(signature).join(' or ');
  if (unknownNames.length > 0) return `${name} has no argument named ${unknownNames.join(', ')}; it is ${signatures}`;
  return `${name} takes ${arityText(overloads)}, this call passes ${args.length}: ${signatures}`;
}

function arityText(overloads: ApiFunction[]): string {
  return overloads
    .map((fn) => {
      const range = fn.maxArity === fn.minArity ? `${fn.minArity}` : fn.maxArity === null ? `${fn.minArity} or more` : `${fn.minArity} to ${fn.maxArity}`;
      return `${range} argument${range === '1' ? '' : 's'}`;
    })
    .join(' or ');
}
