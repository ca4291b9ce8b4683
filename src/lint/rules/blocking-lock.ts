import type { Finding } from '../diagnostic.ts';
import { createdTables, LOCK_GUARD_HINT, lockGuard, missingGuard, statementOffset } from '../locks.ts';
import type { FindingFor, LintRule } from '../rule.ts';
import { asNode, nameParts, walk } from '../sql/ast.ts';
import type { ParsedStatement } from '../sql/parse.ts';
import { reportedBySquawk, squawkResults } from './squawk.ts';

/**
 * blocking-lock: statements that lock a live table against its readers or writers for their
 * whole run, of the kinds squawk has no rule for (squawk's lock rules cover CREATE INDEX,
 * REINDEX, DROP INDEX, ALTER TABLE's rewrites and validations: rules/squawk.ts). The same guard
 * makes them acceptable (lint/locks.ts): lock_timeout set before the statement and the header
 * saying what it locks. Statements inside DO blocks, which squawk cannot see, are checked here
 * too; a statement squawk already reports on is left to it.
 */

const RELATION_LOCK_MODES: Record<number, string> = { 5: 'SHARE', 6: 'SHARE ROW EXCLUSIVE', 7: 'EXCLUSIVE', 8: 'ACCESS EXCLUSIVE' };

/** pg_tviews functions that rebuild a TVIEW: ACCESS EXCLUSIVE on each rebuilt TVIEW until the transaction ends (docs/pg_tviews-facts.md). */
const REFRESH_FUNCTIONS = new Set(['pg_tviews_refresh', 'pg_tviews_refresh_all', 'pg_tviews_refresh_time_dependent']);

function relationName(relation: { relname?: string; schemaname?: string } | undefined): string | undefined {
  if (!relation?.relname) return undefined;
  return relation.schemaname ? `${relation.schemaname}.${relation.relname}` : relation.relname;
}

/** The hazards of one statement: where, and what it blocks. */
function hazards(statement: ParsedStatement, created: Set<string>): { location?: number; what: string }[] {
  const { type, fields } = statement;
  const live = (name: string | undefined) => name === undefined || !created.has(name);
  const found: { location?: number; what: string }[] = [];
  if (type === 'VacuumStmt' && fields.is_vacuumcmd) {
    const full = (fields.options ?? []).some((o: unknown) => asNode(o)?.fields.defname === 'full');
    const tables = (fields.rels ?? []).map((r: unknown) => relationName(asNode(r)?.fields.relation));
    if (full && (tables.length === 0 || tables.some(live))) {
      found.push({ what: `VACUUM FULL rewrites ${tables.filter(Boolean).join(', ') || 'every table'} under ACCESS EXCLUSIVE: reads and writes wait until it ends` });
    }
  } else if (type === 'ClusterStmt') {
    const table = relationName(fields.relation);
    if (live(table)) found.push({ what: `CLUSTER rewrites ${table ?? 'every clustered table'} under ACCESS EXCLUSIVE: reads and writes wait until it ends` });
  } else if (type === 'RefreshMatViewStmt' && !fields.concurrent) {
    const view = relationName(fields.relation);
    if (live(view)) found.push({ what: `REFRESH MATERIALIZED VIEW without CONCURRENTLY locks ${view} ACCESS EXCLUSIVE: its readers wait until it ends` });
  } else if (type === 'LockStmt' && (fields.mode ?? 8) >= 5) {
    const tables = (fields.relations ?? []).map((r: unknown) => relationName(asNode(r)?.fields ?? (r as never)));
    if (tables.some(live)) {
      found.push({ what: `LOCK TABLE … IN ${RELATION_LOCK_MODES[fields.mode ?? 8]} MODE blocks ${fields.mode === 8 || fields.mode === undefined ? 'reads and writes' : 'writes'} of ${tables.join(', ')} until the transaction ends` });
    }
  } else if (type === 'AlterTableStmt') {
    const table = relationName(fields.relation);
    for (const command of fields.cmds ?? []) {
      const subtype: string = asNode(command)?.fields.subtype ?? '';
      if ((subtype === 'AT_SetLogged' || subtype === 'AT_SetUnLogged' || subtype === 'AT_SetTableSpace') && live(table)) {
        found.push({ what: `ALTER TABLE ${subtype === 'AT_SetTableSpace' ? 'SET TABLESPACE' : subtype === 'AT_SetLogged' ? 'SET LOGGED' : 'SET UNLOGGED'} rewrites ${table} under ACCESS EXCLUSIVE: reads and writes wait until it ends` });
      }
    }
  }
  walk(statement.node, ({ type: nodeType, fields: node }) => {
    if (nodeType !== 'FuncCall') return;
    const name = nameParts(node.funcname).at(-1) ?? '';
    if (REFRESH_FUNCTIONS.has(name)) {
      found.push({ location: node.location, what: `${name}() rebuilds TVIEWs under ACCESS EXCLUSIVE, held until the transaction ends: their readers, and the writes that reach them, wait` });
    }
  });
  return found;
}

export const blockingLockRule: LintRule = {
  id: 'blocking-lock',
  description:
    "a statement squawk has no rule for that locks a live table for its whole run (VACUUM FULL, CLUSTER, REFRESH MATERIALIZED VIEW without CONCURRENTLY, LOCK TABLE in SHARE mode or stronger, SET LOGGED/UNLOGGED/TABLESPACE, pg_tviews' refresh functions), without lock_timeout set before it and a header that says what it locks",
  hint: LOCK_GUARD_HINT,
  severity: 'error',
  async checkAll(subjects, context) {
    const results = await squawkResults(subjects, context);
    const out: FindingFor[] = [];
    for (const subject of subjects) {
      const { snippet, sql } = subject;
      if (!sql || !snippet.header) continue;
      const guard = lockGuard(snippet, sql);
      const created = createdTables(sql);
      const result = results.get(snippet.file);
      for (const statement of sql.statements) {
        if (reportedBySquawk(result, statement)) continue;
        const offset = statementOffset(statement);
        if (guard.timeoutAt(offset) && guard.reasonDeclared) continue;
        for (const hazard of hazards(statement, created)) {
          const { line, column } = statement.at(hazard.location);
          const finding: Finding = { line, column, message: `${hazard.what}; ${missingGuard(guard, offset)}` };
          out.push({ ...finding, snippet });
        }
      }
    }
    return out;
  },
};
