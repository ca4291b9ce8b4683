/**
 * The SQL a bash snippet hands to psql, so that it is linted like a .sql snippet: the
 * arguments of `psql … -c '…'` / `--command=…`, and here-documents fed to psql.
 *
 * The result is a text as long as the script, blank except for that SQL (newlines kept), so
 * every position the SQL analysis reports is a line and column of the script itself. Each
 * piece is closed with a `;` where its closing quote or delimiter stood. Shell expansions in
 * double quotes and unquoted here-documents (`$table`, `${entity}`, `$(…)`) become runs of
 * `x` of the same length: a word the SQL parser accepts as a name or inside a string.
 */

interface Piece {
  start: number;
  /** The SQL text, as long as the script range it came from. */
  text: string;
  /** Where the `;` that closes it goes. */
  close: number;
}

const PSQL_WORD = /(^|[\s;|&(])psql(?=\s)/g;

function expandStandIns(text: string): string {
  return text
    .replace(/\\[\\"$`]/g, (m) => ` ${m[1]}`)
    .replace(/\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?$!-]/g, (m) => 'x'.repeat(m.length));
}

/** End offset of the shell command that starts at `from` (line continuations included). */
function commandEnd(script: string, from: number): number {
  let i = from;
  while (i < script.length) {
    if (script[i] === '\n' && script[i - 1] !== '\\') return i;
    if (script[i] === "'") {
      const close = script.indexOf("'", i + 1);
      i = close < 0 ? script.length : close + 1;
      continue;
    }
    if (script[i] === '"') {
      let j = i + 1;
      while (j < script.length && script[j] !== '"') j += script[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    i++;
  }
  return script.length;
}

function commandArguments(script: string, start: number, end: number): Piece[] {
  const pieces: Piece[] = [];
  const option = /(?:^|\s)(?:-c\s*|--command(?:=|\s+))(['"])/g;
  option.lastIndex = 0;
  const command = script.slice(start, end);
  for (const match of command.matchAll(option)) {
    const quote = match[1];
    const open = start + (match.index ?? 0) + match[0].length - 1;
    let close = open + 1;
    if (quote === "'") close = script.indexOf("'", open + 1);
    else while (close < script.length && script[close] !== '"') close += script[close] === '\\' ? 2 : 1;
    if (close < 0 || close > end) continue;
    const raw = script.slice(open + 1, close);
    pieces.push({ start: open + 1, text: quote === '"' ? expandStandIns(raw) : raw, close });
  }
  return pieces;
}

function hereDocument(script: string, start: number, end: number): Piece | undefined {
  const match = /<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(script.slice(start, end));
  if (!match) return undefined;
  const bodyStart = script.indexOf('\n', end - 1) + 1;
  if (bodyStart <= 0) return undefined;
  const lines = script.slice(bodyStart).split('\n');
  let offset = bodyStart;
  for (const line of lines) {
    const candidate = match[1] ? line.replace(/^\t+/, '') : line;
    if (candidate === match[3]) {
      const raw = script.slice(bodyStart, offset);
      return { start: bodyStart, text: match[2] ? raw : expandStandIns(raw), close: offset };
    }
    offset += line.length + 1;
  }
  return undefined;
}

/** The SQL of a bash script laid out at its own positions, or undefined when it runs none. */
export function embeddedPsqlText(script: string): string | undefined {
  const pieces: Piece[] = [];
  for (const match of script.matchAll(PSQL_WORD)) {
    const start = (match.index ?? 0) + match[1].length;
    const lineStart = script.lastIndexOf('\n', start) + 1;
    if (/^\s*#/.test(script.slice(lineStart, start + 1))) continue;
    const end = commandEnd(script, start);
    pieces.push(...commandArguments(script, start, end));
    const document = hereDocument(script, start, end);
    if (document) pieces.push(document);
  }
  if (pieces.length === 0) return undefined;
  const chars: string[] = script.split('').map((c) => (c === '\n' ? '\n' : ' '));
  for (const piece of pieces) {
    for (let i = 0; i < piece.text.length; i++) if (piece.text[i] !== '\n') chars[piece.start + i] = piece.text[i];
    if (piece.close < chars.length && chars[piece.close] !== '\n') chars[piece.close] = ';';
  }
  return chars.join('');
}
