import type { ApiCatalog } from '../api/catalog.ts';
import { isPgTviewsReference } from '../api/catalog.ts';
import type { LintRule } from '../rule.ts';
import { asNode, nameParts, type Fields } from '../sql/ast.ts';

/**
 * expect-columns: the header's `expect.columns` cannot match what the snippet's last SELECT
 * returns. Output names follow PostgreSQL's rules (an alias; else the column or function
 * name; `count(*)` is `count`, a cast keeps its operand's name). When any name cannot be
 * known without a database (an expression, `*` over a non-pg_tviews relation), the dry-run
 * decides instead.
 */

function outputName(target: unknown): string | undefined {
  const f: Fields = asNode(target)?.fields;
  if (f?.name) return f.name;
  return valueName(f?.val);
}

function valueName(value: unknown): string | undefined {
  const node = asNode(value);
  if (!node) return undefined;
  const f: Fields = node.fields;
  switch (node.type) {
    case 'ColumnRef': {
      const parts = nameParts(f.fields);
      return parts.length === (f.fields ?? []).length ? parts.at(-1) : undefined;
    }
    case 'FuncCall':
      return nameParts(f.funcname).at(-1);
    case 'TypeCast':
      return asNode(f.arg)?.type === 'A_Const' ? nameParts(f.typeName?.names).at(-1) : valueName(f.arg);
    case 'CaseExpr':
      return 'case';
    case 'CoalesceExpr':
      return 'coalesce';
    case 'A_Const':
      return '?column?';
    default:
      return undefined;
  }
}

/** Names of `*` over the single FROM item, when it is a pg_tviews relation or function. */
function starNames(select: Fields, api: ApiCatalog): string[] | undefined {
  const from = select.fromClause ?? [];
  if (from.length !== 1) return undefined;
  const item = asNode(from[0]);
  if (item?.type === 'RangeVar' && isPgTviewsReference(api, item.fields.schemaname, item.fields.relname)) {
    return api.relations.get(item.fields.relname)?.columns.map((c) => c.name);
  }
  if (item?.type === 'RangeFunction' && !item.fields.alias?.colnames) {
    const call = asNode(item.fields.functions?.[0]?.List?.items?.[0]);
    const parts = nameParts(call?.fields.funcname);
    const name = parts.at(-1) ?? '';
    if (!isPgTviewsReference(api, parts.length > 1 ? parts[0] : undefined, name)) return undefined;
    return api.functions.get(name)?.[0]?.resultColumns?.map((c) => c.name);
  }
  return undefined;
}

function selectColumns(select: Fields, api: ApiCatalog): string[] | undefined {
  if (select.op && select.op !== 'SETOP_NONE') return select.larg ? selectColumns(select.larg, api) : undefined;
  if (select.intoClause || !select.targetList) return undefined;
  const names: string[] = [];
  for (const target of select.targetList) {
    const value = asNode(asNode(target)?.fields.val);
    const star = value?.type === 'ColumnRef' && (value.fields.fields ?? []).some((p: unknown) => asNode(p)?.type === 'A_Star');
    if (star) {
      const expanded = (value.fields.fields ?? []).length === 1 ? starNames(select, api) : undefined;
      if (!expanded) return undefined;
      names.push(...expanded);
      continue;
    }
    const name = outputName(target);
    if (name === undefined) return undefined;
    names.push(name);
  }
  return names;
}

export const expectColumnsRule: LintRule = {
  id: 'expect-columns',
  description: "the header's expect.columns differs from the output columns of the snippet's last SELECT (when they can be known without a database)",
  hint: "list the last result's columns in order under expect.columns, or alias the SELECT's columns (AS name) to match",
  severity: 'error',
  usesApi: true,
  check({ snippet, sql }, { api }) {
    const expected = snippet.header?.expect.columns;
    if (!expected || !sql || snippet.language !== 'sql') return [];
    const last = sql.statements.filter((s) => s.origin === 'script').at(-1);
    if (!last || last.type !== 'SelectStmt' || last.unit.terminator) return [];
    const actual = selectColumns(last.fields, api);
    if (!actual || actual.join('\u0000') === expected.join('\u0000')) return [];
    const { line, column } = last.at(undefined);
    return [{ line, column, message: `the last SELECT returns columns [${actual.join(', ')}] but the header expects [${expected.join(', ')}]` }];
  },
};
