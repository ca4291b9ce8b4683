import type { Snippet } from '../snippets/snippet.ts';
import { asNode, nameParts, walk } from './sql/ast.ts';
import type { ParsedStatement, SqlAnalysis } from './sql/parse.ts';

/**
 * When a statement that locks a live table for its whole run is acceptable in a snippet: the
 * snippet guards it. The lock rules (squawk's, mapped in rules/squawk.ts, and the project's
 * own for what squawk does not check) share this definition:
 *
 * - the non-blocking form where PostgreSQL has one (CONCURRENTLY, NOT VALID then VALIDATE):
 *   then no rule fires in the first place;
 * - otherwise both an explicit `lock_timeout` set before the statement (SET [LOCAL]
 *   lock_timeout, or set_config('lock_timeout', …), not reset or set to 0 in between), so the
 *   statement gives up instead of queueing every later reader and writer behind it; and a
 *   declared reason: the header's description (or `changes`) says what it locks, which the
 *   reader sees on the page before copying it.
 */

export interface LockGuard {
  /** lock_timeout is in force at this offset of the snippet. */
  timeoutAt(offset: number): boolean;
  /** The header says what the snippet locks. */
  reasonDeclared: boolean;
}

const LOCK_WORDS = /\b(lock|locks|locked|locking|block|blocks|blocked|blocking)\b/i;

export function declaresLock(snippet: Snippet): boolean {
  const header = snippet.header;
  return Boolean(header && LOCK_WORDS.test(`${header.description} ${header.changes ?? ''}`));
}

/** The start offset of a statement in the snippet. */
export function statementOffset(statement: ParsedStatement): number {
  return statement.at(undefined).offset;
}

/** What a statement does to lock_timeout: on, off, or nothing. */
function lockTimeoutEffect(statement: ParsedStatement): 'on' | 'off' | undefined {
  const { type, fields } = statement;
  if (type === 'VariableSetStmt' && fields.name === 'lock_timeout') {
    if (fields.kind !== 'VAR_SET_VALUE') return 'off'; // RESET, SET … TO DEFAULT
    return isZero(fields.args?.[0]) ? 'off' : 'on';
  }
  let effect: 'on' | 'off' | undefined;
  walk(statement.node, ({ type: nodeType, fields: node }) => {
    if (nodeType !== 'FuncCall' || nameParts(node.funcname).at(-1) !== 'set_config') return;
    const [setting, value] = node.args ?? [];
    if (constantText(setting) === 'lock_timeout') effect = isZero(value) ? 'off' : 'on';
  });
  return effect;
}

function constantText(value: unknown): string | undefined {
  const constant = asNode(value);
  if (constant?.type !== 'A_Const') return undefined;
  const fields = constant.fields;
  if (fields.sval) return fields.sval.sval;
  if (fields.ival) return String(fields.ival.ival ?? 0);
  return undefined;
}

/** 0, '0', '0ms'… turn lock_timeout off. A psql variable's stand-in (`':name'`) is a value the reader sets. */
function isZero(value: unknown): boolean {
  const text = constantText(value);
  return text !== undefined && /^\s*0+\s*(ms|s|min|h|d)?\s*$/.test(text);
}

export function lockGuard(snippet: Snippet, sql: SqlAnalysis | undefined): LockGuard {
  const changes = (sql?.statements ?? [])
    .map((statement) => ({ offset: statementOffset(statement), effect: lockTimeoutEffect(statement) }))
    .filter((change): change is { offset: number; effect: 'on' | 'off' } => change.effect !== undefined)
    .sort((a, b) => a.offset - b.offset);
  return {
    timeoutAt(offset) {
      let on = false;
      for (const change of changes) {
        if (change.offset >= offset) break;
        on = change.effect === 'on';
      }
      return on;
    },
    reasonDeclared: declaresLock(snippet),
  };
}

/** Why an unguarded statement is not guarded, for the finding's message. */
export function missingGuard(guard: LockGuard, offset: number): string {
  const missing = [
    guard.timeoutAt(offset) ? undefined : 'no lock_timeout is set before it',
    guard.reasonDeclared ? undefined : "the header's description does not say what it locks",
  ].filter(Boolean);
  return missing.join(', and ');
}

export const LOCK_GUARD_HINT =
  "use the non-blocking form (CONCURRENTLY; NOT VALID then VALIDATE) where there is one; otherwise SET lock_timeout before the statement and say in the header's description what it locks and why that is acceptable";

/** Tables the snippet creates itself (no one else uses them yet): by name, as the statements write them. */
export function createdTables(sql: SqlAnalysis | undefined): Set<string> {
  const created = new Set<string>();
  for (const statement of sql?.statements ?? []) {
    const f = statement.fields;
    if (statement.type === 'CreateStmt' || statement.type === 'CreateTableAsStmt') {
      const relation = f.relation ?? f.into?.rel;
      if (relation?.relname) {
        created.add(relation.relname);
        if (relation.schemaname) created.add(`${relation.schemaname}.${relation.relname}`);
      }
    }
  }
  return created;
}

/** The relation a statement acts on, as written (`schema.name` or `name`). */
export function statementRelation(statement: ParsedStatement): string | undefined {
  const relation = statement.fields.relation;
  if (!relation?.relname) return undefined;
  return relation.schemaname ? `${relation.schemaname}.${relation.relname}` : relation.relname;
}
