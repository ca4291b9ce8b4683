import { loadModule, parseSync } from '@libpg-query/parser';
import { lineStarts, positionAt, scanPsqlScript, type MetaUnit, type Position, type ScannedScript, type SqlUnit } from '../../snippets/psql-script.ts';
import { asNode, type Fields } from './ast.ts';
import { analyzePlpgsqlBody } from './plpgsql.ts';

/**
 * Runs a psql script through the real PostgreSQL 17 parser (libpg_query), one statement at a
 * time so a syntax error in one statement does not hide the others.
 *
 * The parser knows nothing of psql, so the text it sees is masked first, keeping every
 * offset: meta-commands become blanks (a `\gset` that ends a statement becomes `;`), and a
 * variable reference becomes a same-length stand-in of the same grammatical kind:
 * `:'name'` → `':name'` (a string), `:"name"` → `":name"` (an identifier), `:name` →
 * `_name` (a bare word), `:{?name}` → `true`. Rules recognise stand-ins with isParameterText.
 */

export interface ParsedStatement {
  unit: SqlUnit;
  /** `script`: written in the file; `do-block`: run by a DO block; `dynamic`: built by EXECUTE. */
  origin: 'script' | 'do-block' | 'dynamic';
  /** The statement node, e.g. `{ SelectStmt: {...} }`. */
  node: unknown;
  type: string;
  fields: Fields;
  /** Converts a parser location (a byte offset into the statement) to a file position. */
  at(location: number | undefined): Position;
}

export interface SqlSyntaxError {
  message: string;
  position: Position;
  /** The statement the error is in; its first word helps explain non-SQL lines like TITLE. */
  statement: SqlUnit;
}

export interface SqlAnalysis {
  scan: ScannedScript;
  statements: ParsedStatement[];
  syntaxErrors: SqlSyntaxError[];
  metaCommands: MetaUnit[];
  /** Stand-ins of raw `:name` references (`_name`): words the parser sees that are not names. */
  rawStandIns: Set<string>;
  /** Places that run SQL lint cannot read (EXECUTE of an opaque string, DO in another language). */
  opaque: { position: Position; why: string }[];
}

/** The parser (SQL and PL/pgSQL) is WebAssembly, loaded asynchronously once per process. */
export function loadSqlParser(): Promise<void> {
  return loadModule();
}

/** True for the stand-in of a psql variable (see the module comment). */
export function isParameterText(text: string): boolean {
  return /^:[A-Za-z0-9_]+$/.test(text);
}

export function maskPsqlScript(text: string, scan: ScannedScript): string {
  // UTF-16 code units, the unit the scanner's offsets count in.
  const chars = text.split('');
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (chars[i] !== '\n') chars[i] = ' ';
  };
  for (const unit of scan.units) {
    if (unit.kind === 'meta') blank(unit.start.offset, unit.end);
    else if (unit.terminator) {
      blank(unit.terminator.start.offset, unit.terminator.end);
      chars[unit.terminator.start.offset] = ';';
    }
  }
  for (const variable of scan.variables) {
    // `arr[1:2]`: psql sees a reference to variable "2", which is never set, so it sends the
    // text unchanged; the parser must see it unchanged too.
    if (variable.style === 'raw' && /^\d/.test(variable.name)) continue;
    if (variable.inMetaCommand) continue; // blanked with its meta-command above
    const { offset } = variable.start;
    const length = variable.end - offset;
    const standIn =
      variable.style === 'literal' ? `':${variable.name}'`
      : variable.style === 'identifier' ? `":${variable.name}"`
      : variable.style === 'raw' ? `_${variable.name}`
      : 'true'.padEnd(length);
    for (let i = 0; i < length; i++) chars[offset + i] = standIn[i];
  }
  return chars.join('');
}

/** Maps byte offsets of a UTF-8 encoding of `text` back to UTF-16 indexes. */
function byteToCharMapper(text: string): (byte: number) => number {
  if (!/[^\x00-\x7f]/.test(text)) return (byte) => byte;
  const byteAt: number[] = [];
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    byteAt.push(bytes);
    const code = text.codePointAt(i)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (code >= 0x10000) byteAt.push(bytes), i++;
  }
  return (byte) => {
    let low = 0;
    let high = byteAt.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (byteAt[mid] < byte) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

/** Parses every statement of a psql script. Call (and await) loadSqlParser first. */
export function analyzeSql(text: string): SqlAnalysis {
  const scan = scanPsqlScript(text);
  const masked = maskPsqlScript(text, scan);
  const starts = lineStarts(text);
  const statements: ParsedStatement[] = [];
  const syntaxErrors: SqlSyntaxError[] = [];
  const metaCommands = scan.units.filter((u): u is MetaUnit => u.kind === 'meta');
  const opaque: SqlAnalysis['opaque'] = [];
  if (scan.unterminated) {
    const last = scan.units.at(-1);
    syntaxErrors.push({
      message: `unterminated ${scan.unterminated.what}`,
      position: scan.unterminated.start,
      statement: last?.kind === 'sql' ? last : { kind: 'sql', text: '', start: scan.unterminated.start, end: text.length },
    });
  }
  for (const unit of scan.units) {
    if (unit.kind !== 'sql') continue;
    if (scan.unterminated && unit.end === text.length && unit === scan.units.at(-1)) continue;
    const source = masked.slice(unit.start.offset, unit.end);
    if (source.trim() === '' || source.trim() === ';') continue;
    const toChar = byteToCharMapper(source);
    const at = (location: number | undefined) => positionAt(starts, unit.start.offset + toChar(Math.max(0, location ?? 0)));
    let tree: { stmts?: { stmt?: unknown }[] };
    try {
      tree = parseSync(source);
    } catch (error) {
      const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
      syntaxErrors.push({ message: (error as Error).message, position: at(details?.cursorPosition), statement: unit });
      continue;
    }
    for (const { stmt } of tree.stmts ?? []) {
      const node = asNode(stmt);
      if (!node) continue;
      const statement: ParsedStatement = { unit, origin: 'script', node: stmt, type: node.type, fields: node.fields, at };
      statements.push(statement);
      if (node.type === 'DoStmt') expandDoBlock(statement, text, starts, { statements, syntaxErrors, opaque });
    }
  }
  const rawStandIns = new Set(scan.variables.filter((v) => v.style === 'raw').map((v) => `_${v.name}`));
  return { scan, statements, syntaxErrors, metaCommands, opaque, rawStandIns };
}

/**
 * Adds the statements a DO block runs, each mapped back to its place in the file. PL/pgSQL
 * keeps statement text verbatim (PERFORM x becomes SELECT x), so each is found again in the
 * body from the line PL/pgSQL reports; what cannot be found maps to the start of that line.
 */
function expandDoBlock(
  block: ParsedStatement,
  text: string,
  starts: number[],
  into: Pick<SqlAnalysis, 'statements' | 'syntaxErrors' | 'opaque'>,
): void {
  const options = (block.fields.args ?? []).map((a: unknown) => asNode(a)?.fields);
  const bodyOption = options.find((o: Fields) => o?.defname === 'as');
  const language = options.find((o: Fields) => o?.defname === 'language')?.arg?.String?.sval ?? 'plpgsql';
  const body: string | undefined = bodyOption?.arg?.String?.sval;
  const quoteAt = block.at(bodyOption?.location).offset;
  if (body === undefined) return;
  if (language !== 'plpgsql') {
    into.opaque.push({ position: positionAt(starts, quoteAt), why: `DO block in language ${language}` });
    return;
  }
  const found = text.indexOf(body, quoteAt);
  const bodyStart = found >= 0 ? found : quoteAt;
  const analysis = analyzePlpgsqlBody(body);
  if (analysis.error) {
    into.syntaxErrors.push({ message: `in DO block: ${analysis.error}`, position: positionAt(starts, bodyStart), statement: block.unit });
    return;
  }
  const bodyLines = lineStarts(body);
  let previousAnchor = bodyStart;
  for (const embedded of analysis.embedded) {
    const lineOffset = bodyLines[Math.min(embedded.line, bodyLines.length) - 1] ?? 0;
    let anchor: number;
    let prefix = embedded.prefixLength;
    if (embedded.dynamic) {
      anchor = previousAnchor;
    } else {
      // An assignment's text starts with the blanked target; search from its first token.
      const lead = embedded.text.length - embedded.text.trimStart().length;
      const verbatim = body.indexOf(embedded.text.slice(lead), lineOffset);
      const withoutSelect = embedded.text.startsWith('SELECT ') ? body.indexOf(embedded.text.slice(7), lineOffset) : -1;
      if (verbatim >= 0) anchor = bodyStart + verbatim - lead;
      else if (withoutSelect >= 0) (anchor = bodyStart + withoutSelect), (prefix += 7);
      else anchor = bodyStart + lineOffset;
      previousAnchor = anchor;
    }
    if (embedded.unreadable) {
      into.opaque.push({ position: positionAt(starts, anchor), why: 'EXECUTE of SQL built at run time that lint cannot read' });
      continue;
    }
    const toChar = byteToCharMapper(embedded.parsedText);
    const exact = !embedded.dynamic;
    const at = (location: number | undefined) =>
      positionAt(starts, exact ? anchor + Math.max(0, toChar(Math.max(0, location ?? 0)) - prefix) : anchor);
    for (const stmt of embedded.statements) {
      const node = asNode(stmt);
      if (node) into.statements.push({ unit: block.unit, origin: embedded.dynamic ? 'dynamic' : 'do-block', node: stmt, type: node.type, fields: node.fields, at });
    }
  }
}
