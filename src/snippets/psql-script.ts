/**
 * Splits a psql script into the units psql itself would see: SQL statements (ended by a
 * top-level semicolon), backslash meta-commands, and psql variable references.
 *
 * It follows psql's own lexer closely enough for runbook snippets: quotes ('', E'', ""),
 * dollar quotes, nested block comments and line comments hide semicolons, backslashes and
 * colons; `::` is a cast, not a variable. Offsets are UTF-16 indexes into the input; lines
 * and columns are 1-based, so errors can point at the snippet file itself.
 */

export interface Position {
  offset: number;
  line: number;
  column: number;
}

export interface SqlUnit {
  kind: 'sql';
  /** The statement text, from its first token through its semicolon (if any). */
  text: string;
  start: Position;
  end: number;
  /** Meta-commands such as \gset or \gx that end this statement instead of a semicolon. */
  terminator?: MetaUnit;
}

export interface MetaUnit {
  kind: 'meta';
  /** Command name without the backslash, e.g. `echo`, `dt+`, `if`. */
  name: string;
  args: string;
  start: Position;
  end: number;
}

export type Unit = SqlUnit | MetaUnit;

export type VariableStyle = 'literal' | 'identifier' | 'raw' | 'defined';

export interface VariableReference {
  name: string;
  /** `:'x'` literal, `:"x"` identifier, `:x` raw text, `:{?x}` is-defined test. */
  style: VariableStyle;
  start: Position;
  end: number;
  /** Set for a reference in a meta-command's arguments (`\echo :x`), not in SQL. */
  inMetaCommand?: boolean;
}

export interface ScannedScript {
  units: Unit[];
  variables: VariableReference[];
  /** A quote, dollar quote or comment still open at the end of the file. */
  unterminated?: { what: string; start: Position };
}

const VARIABLE_NAME = /[A-Za-z0-9_]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Meta-commands that send the current query buffer, the way a semicolon does. */
const BUFFER_SENDERS = new Set(['g', 'gx', 'gset', 'gexec', 'gdesc', 'crosstabview', 'watch']);

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

export function positionAt(starts: number[], offset: number): Position {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { offset, line: low + 1, column: offset - starts[low] + 1 };
}

export function scanPsqlScript(text: string): ScannedScript {
  const starts = lineStarts(text);
  const at = (offset: number) => positionAt(starts, offset);
  const units: Unit[] = [];
  const variables: VariableReference[] = [];
  let statementStart = -1;
  let i = 0;

  const finishStatement = (end: number, terminator?: MetaUnit) => {
    if (statementStart < 0) return;
    units.push({ kind: 'sql', text: text.slice(statementStart, end), start: at(statementStart), end, terminator });
    statementStart = -1;
  };
  const markStatement = (offset: number) => {
    if (statementStart < 0) statementStart = offset;
  };
  const unterminated = (what: string, start: number): ScannedScript => {
    finishStatement(text.length);
    return { units, variables, unterminated: { what, start: at(start) } };
  };

  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];

    if (c === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      const open = i;
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') (depth++, (i += 2));
        else if (text[i] === '*' && text[i + 1] === '/') (depth--, (i += 2));
        else i++;
      }
      if (depth > 0) return unterminated('block comment', open);
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '\\') {
      const meta = readMetaCommand(text, i, at);
      variables.push(...metaCommandVariables(text, meta, at));
      if (BUFFER_SENDERS.has(meta.name) && statementStart >= 0) finishStatement(i, meta);
      else units.push(meta);
      i = meta.end;
      continue;
    }

    markStatement(i);

    if (c === "'" || ((c === 'E' || c === 'e') && next === "'" && !isWordChar(text[i - 1]))) {
      const open = i;
      const backslashEscapes = c !== "'";
      i += backslashEscapes ? 2 : 1;
      let closed = false;
      while (i < text.length) {
        if (backslashEscapes && text[i] === '\\') i += 2;
        else if (text[i] === "'" && text[i + 1] === "'") i += 2;
        else if (text[i] === "'") {
          i++;
          closed = true;
          break;
        } else i++;
      }
      if (!closed) return unterminated('string literal', open);
      continue;
    }
    if (c === '"') {
      const close = findClosingDoubleQuote(text, i + 1);
      if (close < 0) return unterminated('quoted identifier', i);
      i = close + 1;
      continue;
    }
    if (c === '$' && !isWordChar(text[i - 1])) {
      const tag = DOLLAR_TAG.exec(text.slice(i, i + 64));
      if (tag) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        if (close < 0) return unterminated('dollar-quoted string', i);
        i = close + tag[0].length;
        continue;
      }
    }
    if (c === ':') {
      if (next === ':') {
        i += 2;
        continue;
      }
      const reference = readVariable(text, i, at);
      if (reference) {
        variables.push(reference);
        i = reference.end;
        continue;
      }
    }
    if (c === ';') {
      finishStatement(i + 1);
      i++;
      continue;
    }
    i++;
  }
  finishStatement(text.length);
  return { units, variables };
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_$]/.test(c);
}

function findClosingDoubleQuote(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    if (text[i] === '"' && text[i + 1] === '"') i += 2;
    else if (text[i] === '"') return i;
    else i++;
  }
  return -1;
}

function readVariable(text: string, i: number, at: (o: number) => Position): VariableReference | undefined {
  const quote = text[i + 1];
  if (quote === "'" || quote === '"') {
    let j = i + 2;
    while (j < text.length && VARIABLE_NAME.test(text[j])) j++;
    if (j > i + 2 && text[j] === quote) {
      return { name: text.slice(i + 2, j), style: quote === "'" ? 'literal' : 'identifier', start: at(i), end: j + 1 };
    }
    return undefined;
  }
  if (quote === '{' && text[i + 2] === '?') {
    const close = text.indexOf('}', i);
    if (close > i + 3) return { name: text.slice(i + 3, close), style: 'defined', start: at(i), end: close + 1 };
    return undefined;
  }
  let j = i + 1;
  while (j < text.length && VARIABLE_NAME.test(text[j])) j++;
  if (j === i + 1) return undefined;
  return { name: text.slice(i + 1, j), style: 'raw', start: at(i), end: j };
}

/**
 * psql interpolates variables in meta-command arguments too (`\echo :entity`,
 * `\if :{?entity}`), except inside quoted arguments and backquotes.
 */
function metaCommandVariables(text: string, meta: MetaUnit, at: (o: number) => Position): VariableReference[] {
  const found: VariableReference[] = [];
  let i = meta.start.offset + 1 + meta.name.length;
  const end = meta.end;
  while (i < end) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      const close = text.indexOf(c, i + 1);
      i = close < 0 || close >= end ? end : close + 1;
    } else if (c === ':' && text[i + 1] !== ':') {
      const reference = readVariable(text, i, at);
      if (reference && reference.end <= end) {
        found.push({ ...reference, inMetaCommand: true });
        i = reference.end;
      } else i++;
    } else if (c === ':') i += 2;
    else i++;
  }
  return found;
}

/**
 * A meta-command runs from its backslash to the end of the line, or to a `\\` separator.
 * Quoted arguments may contain backslashes, so quotes are skipped as psql does.
 */
function readMetaCommand(text: string, i: number, at: (o: number) => Position): MetaUnit {
  let j = i + 1;
  while (j < text.length && !/[\s\\]/.test(text[j])) j++;
  const name = text.slice(i + 1, j);
  let end = j;
  let quote: string | undefined;
  while (end < text.length && text[end] !== '\n') {
    const c = text[end];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '\\' && text[end + 1] === '\\') break;
    else if (c === '\\' && end > j) break;
    end++;
  }
  const args = text.slice(j, end).trim();
  if (text[end] === '\\' && text[end + 1] === '\\') end += 2;
  else if (text[end] === '\n') end += 1;
  return { kind: 'meta', name, args, start: at(i), end };
}
