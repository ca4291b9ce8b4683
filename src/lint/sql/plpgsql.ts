import { parsePlPgSQLSync, parseSync } from '@libpg-query/parser';
import { asNode, nameParts, stringConstant, type Fields } from './ast.ts';

/**
 * Reads the body of a DO block the way PL/pgSQL does, so that the statements it runs are
 * linted like any other. libpg_query's PL/pgSQL entry point finds the embedded SQL and
 * expressions; each of those is then parsed like top-level SQL.
 *
 * EXECUTE of a string built at run time is read as a template: string constants are kept,
 * everything computed (quote_ident(x), a variable) becomes a placeholder word, and format()
 * specifiers become placeholders too. When even that does not parse, the caller learns that
 * the block runs SQL lint cannot see.
 */

export interface EmbeddedSql {
  /** The SQL text as it appears in the body (for expressions, without the SELECT we add). */
  text: string;
  /** The text handed to the parser: `text`, or `SELECT text` for an expression. */
  parsedText: string;
  /** 1-based line in the body. */
  line: number;
  /** Offset of `text` inside `parsedText` (the length of the `SELECT ` we prepend, or 0). */
  prefixLength: number;
  statements: unknown[];
  /** Set for EXECUTE: the template could not be read as SQL. */
  unreadable?: boolean;
  dynamic: boolean;
}

export interface PlpgsqlBody {
  embedded: EmbeddedSql[];
  /** The body does not compile as PL/pgSQL; the message is PL/pgSQL's. */
  error?: string;
}

const ASSIGNMENT_TARGET = /^\s*[A-Za-z_][\w.]*(\[[^\]]*\])?\s*:?=\s*/;
const DYNAMIC_STATEMENTS = new Set(['PLpgSQL_stmt_dynexecute', 'PLpgSQL_stmt_dynfors']);

export function analyzePlpgsqlBody(body: string): PlpgsqlBody {
  const tag = pickDollarTag(body);
  let tree: unknown;
  try {
    tree = parsePlpgsqlFunction(`CREATE FUNCTION lint_do_block() RETURNS void LANGUAGE plpgsql AS ${tag}${body}${tag}`);
  } catch (error) {
    return { embedded: [], error: (error as Error).message };
  }
  const embedded: EmbeddedSql[] = [];
  collectExpressions(tree, undefined, (query, parseMode, line, statementType) => {
    // Assignments (parse modes 3..5) come as `target := expression`; blank the target so
    // offsets inside the expression still match the body.
    const text = parseMode >= 3 ? query.replace(ASSIGNMENT_TARGET, (m) => ' '.repeat(m.length)) : query;
    const parsedText = parseMode === 0 ? text : `SELECT ${text}`;
    const prefixLength = parsedText.length - text.length;
    const statements = parseQuietly(parsedText);
    embedded.push({ text, parsedText, line, prefixLength, statements: statements ?? [], dynamic: false });
    if (DYNAMIC_STATEMENTS.has(statementType)) {
      const template = statements ? dynamicTemplate(statements[0]) : undefined;
      const templateStatements = template ? parseQuietly(template) : undefined;
      embedded.push({ text: template ?? text, parsedText: template ?? text, line, prefixLength: 0, statements: templateStatements ?? [], dynamic: true, unreadable: !templateStatements });
    }
  });
  return { embedded };
}

/**
 * The WebAssembly build returns a PL/pgSQL error as plain text where JSON is expected, and
 * the library's JSON.parse then throws a SyntaxError quoting only ten characters of it. To
 * report PL/pgSQL's whole message, JSON.parse is wrapped for the duration of this synchronous
 * call (no other code can run in between).
 */
function parsePlpgsqlFunction(sql: string): unknown {
  const parse = parsePlPgSQLSync;
  const parseJson = JSON.parse;
  JSON.parse = (text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
    try {
      return parseJson(text, reviver);
    } catch {
      throw new Error(text.trim());
    }
  };
  try {
    return parse(sql);
  } finally {
    JSON.parse = parseJson;
  }
}

function pickDollarTag(body: string): string {
  let tag = '$lint$';
  for (let i = 0; body.includes(tag); i++) tag = `$lint${i}$`;
  return tag;
}

function parseQuietly(sql: string): unknown[] | undefined {
  try {
    return (parseSync(sql).stmts ?? []).map((s) => s.stmt);
  } catch {
    return undefined;
  }
}

/** Calls found(query, parseMode, line, enclosing statement type) for each PLpgSQL_expr. */
function collectExpressions(value: unknown, context: { line: number; type: string } | undefined, found: (query: string, parseMode: number, line: number, statementType: string) => void): void {
  if (!value || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collectExpressions(item, context, found);
    return;
  }
  const node = asNode(value);
  if (node?.type === 'PLpgSQL_expr') {
    if (typeof node.fields.query === 'string') found(node.fields.query, node.fields.parseMode ?? 0, context?.line ?? 1, context?.type ?? '');
    return;
  }
  const here = node && node.type.startsWith('PLpgSQL_stmt_') ? { line: node.fields.lineno ?? context?.line ?? 1, type: node.type } : context;
  for (const child of Object.values(node ? node.fields : value)) collectExpressions(child, here, found);
}

const FORMAT_SPECIFIER = /%(?:\d+\$)?-?\d*([sIL%])/g;

/**
 * The SQL an EXECUTE expression builds, with placeholders for what is computed at run time.
 * `statement` is the parse of `SELECT <expression>`.
 */
export function dynamicTemplate(statement: unknown): string | undefined {
  const target = asNode(statement)?.fields.targetList?.[0];
  const expression = asNode(target)?.fields.val;
  const text = templateOf(expression);
  return text && /\S/.test(text) ? text : undefined;
}

function templateOf(value: unknown): string {
  const constant = stringConstant(value);
  if (constant !== undefined) return constant;
  const node = asNode(value);
  if (!node) return 'x';
  const fields: Fields = node.fields;
  if (node.type === 'A_Expr' && nameParts(fields.name).join() === '||') return templateOf(fields.lexpr) + templateOf(fields.rexpr);
  if (node.type === 'TypeCast') return templateOf(fields.arg);
  if (node.type === 'FuncCall') {
    const name = nameParts(fields.funcname).at(-1);
    if (name === 'format' && stringConstant(fields.args?.[0]) !== undefined) {
      return stringConstant(fields.args[0])!.replace(FORMAT_SPECIFIER, (_, kind: string) => (kind === '%' ? '%' : kind === 'L' ? "'x'" : 'x'));
    }
    if (name === 'quote_literal' || name === 'quote_nullable') return "'x'";
  }
  return 'x';
}
