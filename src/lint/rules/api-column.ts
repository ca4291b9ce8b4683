import { isPgTviewsReference, type ApiCatalog } from '../api/catalog.ts';
import { didYouMean, suggestionText } from '../api/did-you-mean.ts';
import type { Finding } from '../diagnostic.ts';
import type { LintRule } from '../rule.ts';
import { asNode, nameParts, walk, type Fields } from '../sql/ast.ts';
import type { ParsedStatement } from '../sql/parse.ts';

/**
 * api-column: a column that a pg_tviews table, view or function result does not have.
 *
 * Each query level (SELECT, UPDATE, DELETE, INSERT) has a scope: the items of its FROM list
 * under their aliases. A qualified reference `m.col` is checked when `m` is a pg_tviews item
 * of this or an enclosing level. An unqualified `col` is checked only when every item of the
 * level is a pg_tviews one (then the full column list is known) and only in plain SQL, where
 * a bare name cannot be a PL/pgSQL variable.
 */

interface ScopeItem {
  name: string;
  /** What the item is, for messages: `tviews.pg_tview_meta`. */
  label: string;
  /** undefined when not a pg_tviews object (its columns are not known). */
  columns?: string[];
}

type Scope = ScopeItem[];

export const apiColumnRule: LintRule = {
  id: 'api-column',
  description: 'a column that a pg_tviews table, view or function result does not have (checked against the API snapshot)',
  hint: "use a column the object has ('\\d tviews.<name>' or '\\df+ tviews.<function>' shows them)",
  severity: 'error',
  usesApi: true,
  check({ sql }, { api }) {
    const findings: Finding[] = [];
    for (const statement of sql?.statements ?? []) {
      const checker = new ColumnChecker(api, statement, findings, sql!.rawStandIns);
      checker.query(statement.node, []);
    }
    return findings;
  },
};

class ColumnChecker {
  private readonly api: ApiCatalog;
  private readonly statement: ParsedStatement;
  private readonly findings: Finding[];
  private readonly rawStandIns: Set<string>;

  constructor(api: ApiCatalog, statement: ParsedStatement, findings: Finding[], rawStandIns: Set<string>) {
    this.api = api;
    this.statement = statement;
    this.findings = findings;
    this.rawStandIns = rawStandIns;
  }

  /** Checks one query level and, through expressions, the levels nested in it. */
  query(value: unknown, outer: Scope[]): void {
    const node = asNode(value);
    if (!node) return;
    const f: Fields = node.fields;
    for (const cte of f.withClause?.ctes ?? []) this.query(asNode(cte)?.fields.ctequery, outer);
    if (node.type === 'SelectStmt') {
      if (f.op && f.op !== 'SETOP_NONE') {
        this.query(f.larg ? { SelectStmt: f.larg } : undefined, outer);
        this.query(f.rarg ? { SelectStmt: f.rarg } : undefined, outer);
        return;
      }
      const scope = this.scopeOf(f.fromClause ?? [], outer);
      const outputNames = new Set<string>((f.targetList ?? []).map((t: unknown) => asNode(t)?.fields.name).filter(Boolean));
      this.expressions([f.targetList, f.whereClause, f.havingClause, this.joinConditions(f.fromClause)], scope, outer, new Set());
      this.expressions([f.groupClause, f.sortClause], scope, outer, outputNames);
      for (const values of f.valuesLists ?? []) this.expressions([values], [], outer, new Set());
    } else if (node.type === 'UpdateStmt' || node.type === 'DeleteStmt' || node.type === 'InsertStmt') {
      const target = this.item({ RangeVar: f.relation });
      const scope = [target, ...this.scopeOf(f.fromClause ?? f.usingClause ?? [], outer)];
      for (const column of [...(f.targetList ?? []), ...(f.cols ?? [])]) {
        const name = asNode(column)?.fields.name;
        if (name) this.checkName(target, name, asNode(column)?.fields.location);
      }
      this.expressions([(f.targetList ?? []).map((t: unknown) => asNode(t)?.fields.val), f.whereClause, f.returningList], scope, outer, new Set());
      if (node.type === 'InsertStmt') this.query(f.selectStmt, outer);
    } else {
      // Other statements (EXPLAIN, CREATE TABLE AS, DECLARE CURSOR …) wrap queries.
      walk(f, ({ type, fields }) => {
        if (type === 'SelectStmt' || type === 'UpdateStmt' || type === 'DeleteStmt' || type === 'InsertStmt') {
          this.query({ [type]: fields }, outer);
          return false;
        }
      });
    }
  }

  private scopeOf(fromClause: unknown[], outer: Scope[]): Scope {
    const scope: Scope = [];
    const add = (value: unknown): void => {
      const node = asNode(value);
      if (!node) return;
      if (node.type === 'JoinExpr') {
        add(node.fields.larg);
        add(node.fields.rarg);
      } else if (node.type === 'RangeSubselect') {
        this.query(node.fields.subquery, outer);
        scope.push({ name: node.fields.alias?.aliasname ?? '', label: 'subquery' });
      } else {
        scope.push(this.item(value));
      }
    };
    for (const item of fromClause) add(item);
    return scope;
  }

  private item(value: unknown): ScopeItem {
    const node = asNode(value);
    const f: Fields = node?.fields ?? {};
    const alias: string | undefined = f.alias?.aliasname;
    const renamed: string[] | undefined = f.alias?.colnames ? nameParts(f.alias.colnames) : undefined;
    if (node?.type === 'RangeVar') {
      const relation = isPgTviewsReference(this.api, f.schemaname, f.relname) ? this.api.relations.get(f.relname) : undefined;
      const columns = renamed ?? relation?.columns.map((c) => c.name);
      return { name: alias ?? f.relname, label: `${this.api.snapshot.schema}.${f.relname}`, columns: relation ? columns : undefined };
    }
    if (node?.type === 'RangeFunction' && (f.functions ?? []).length === 1 && !f.coldeflist) {
      const call = asNode(f.functions[0]?.List?.items?.[0] ?? f.functions[0]?.[0]);
      const parts = nameParts(call?.fields.funcname);
      const name = parts.at(-1) ?? '';
      const fn = isPgTviewsReference(this.api, parts.length > 1 ? parts[0] : undefined, name) ? this.api.functions.get(name)?.[0] : undefined;
      const columns = renamed ?? fn?.resultColumns?.map((c) => c.name) ?? [alias ?? name];
      return { name: alias ?? name, label: `${this.api.snapshot.schema}.${name}()`, columns: fn ? columns : undefined };
    }
    return { name: alias ?? '', label: 'relation' };
  }

  private joinConditions(fromClause: unknown[] | undefined): unknown[] {
    const conditions: unknown[] = [];
    walk(fromClause ?? [], ({ type, fields }) => {
      if (type === 'JoinExpr' && fields.quals) conditions.push(fields.quals);
      if (type === 'RangeSubselect') return false;
    });
    return conditions;
  }

  private expressions(roots: unknown[], scope: Scope, outer: Scope[], outputNames: Set<string>): void {
    walk(roots, ({ type, fields }) => {
      if (type === 'SelectStmt') {
        this.query({ SelectStmt: fields }, [scope, ...outer]);
        return false;
      }
      if (type === 'ColumnRef') this.columnRef(fields, scope, outer, outputNames);
    });
  }

  private columnRef(f: Fields, scope: Scope, outer: Scope[], outputNames: Set<string>): void {
    const parts = nameParts(f.fields);
    if (parts.length !== (f.fields ?? []).length) return; // `x.*`
    const column = parts.at(-1)!;
    if (parts.length === 1) {
      if (this.statement.origin !== 'script' || outputNames.has(column) || this.rawStandIns.has(column) || scope.length === 0) return;
      // A bare name may also belong to an enclosing query (a correlated subquery): it is
      // known to be wrong only when no level in reach has it and every level's columns are known.
      const reach = [scope, ...outer].flat();
      if (reach.some((item) => item.columns?.includes(column))) return;
      if (!reach.every((item) => item.columns)) return;
      const { line, column: col } = this.statement.at(f.location);
      const all = scope.flatMap((item) => item.columns!);
      const labels = scope.map((item) => item.label).join(', ');
      this.findings.push({ line, column: col, message: `no column ${column} in ${labels}${suggestionText(didYouMean(column, all))}` });
      return;
    }
    const qualifier = parts.at(-2)!;
    const item = [scope, ...outer].flatMap((s) => s.filter((i) => i.name === qualifier))[0];
    if (item) this.checkName(item, column, f.location);
  }

  private checkName(item: ScopeItem, column: string, location: number | undefined): void {
    if (!item.columns || item.columns.includes(column)) return;
    const { line, column: col } = this.statement.at(location);
    this.findings.push({ line, column: col, message: `${item.label} has no column ${column}${suggestionText(didYouMean(column, item.columns))}` });
  }
}
