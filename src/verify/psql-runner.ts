import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ResultSet } from '../report/schema.ts';
import { scanPsqlScript, type Unit } from '../snippets/psql-script.ts';
import { parseCsv } from './csv.ts';

/**
 * Runs a SQL snippet through psql — the program the runbooks tell people to use — and
 * captures what each statement returned.
 *
 * The script psql reads is the snippet's own text, statement for statement, with two kinds
 * of lines added between statements: a transaction wrapper (read-only or rolled back) and
 * `\echo` markers, so the output can be cut back into one part per statement. Results come
 * as CSV for exact parsing. Parameters are passed as `-v name=value`, so psql does the
 * quoting of `:'name'` and `:"name"` exactly as it will for the reader.
 */

export type Wrapping = 'read-only' | 'rollback' | 'none';

export interface PsqlRunOptions {
  databaseUrl: string;
  /** Where the server's own psql is (VerificationServer.info.binDir). */
  binDir: string;
  params: Record<string, string>;
  wrap: Wrapping;
  timeoutMs: number;
  /** Tags the backend so that a run killed for its timeout can be found and terminated. */
  applicationName: string;
  /** Aborting kills psql at once (Ctrl-C of the whole verification). */
  signal?: AbortSignal;
}

export interface UnitOutput {
  unit: Unit;
  /** Present for SQL statements that returned rows (or at least a row description). */
  result?: ResultSet;
  /** Text a meta-command printed (\echo, \qecho, \d…). */
  text?: string;
}

export interface SnippetError {
  message: string;
  /** 1-based line in the snippet file. */
  line: number;
}

export interface PsqlRun {
  units: UnitOutput[];
  results: ResultSet[];
  /** Notices and warnings the server sent (RAISE NOTICE, WARNING), in order. */
  messages: string[];
  /** What a reader running the snippet would see, rendered as text. */
  transcript: string;
  error?: SnippetError;
  timedOut: boolean;
  exitCode: number | null;
  durationMs: number;
}

const TIMING_LINE = /^Time: \d+[.,]\d+ ms( \([^)]*\))?$/;

/** The script psql is fed: the snippet's statements in order, with markers between them. */
export function wrapScript(units: Unit[], source: string, wrap: Wrapping, marker: string, nullText: string): string {
  const lines = ['\\set ON_ERROR_STOP 1', '\\pset format csv', `\\pset null '${nullText}'`, '\\pset pager off'];
  if (wrap === 'read-only') lines.push('BEGIN TRANSACTION READ ONLY;');
  if (wrap === 'rollback') lines.push('BEGIN;');
  units.forEach((unit, index) => {
    const end = unit.kind === 'sql' && unit.terminator ? unit.terminator.end : unit.end;
    lines.push(`\\echo ${marker}${index}`);
    lines.push(source.slice(unit.start.offset, end).replace(/\n$/, ''));
  });
  lines.push(`\\echo ${marker}end`);
  if (wrap !== 'none') lines.push('ROLLBACK;');
  return `${lines.join('\n')}\n`;
}

function toResultSet(csv: string, nullText: string): ResultSet | undefined {
  const rows = parseCsv(csv);
  if (rows.length === 0) return undefined;
  const [columns, ...data] = rows;
  return {
    columns,
    rows: data.map((row) => row.map((value) => (value === nullText ? null : value))),
    truncated: false,
    rowCount: data.length,
  };
}

/** A plain rendering for transcripts: header, rule, rows, count — enough to read by eye. */
export function renderResult(result: ResultSet): string {
  const widths = result.columns.map((c, i) => Math.max(c.length, ...result.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: (string | null)[]) => cells.map((cell, i) => ` ${(cell ?? '').padEnd(widths[i])} `).join('|').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w + 2)).join('+');
  const count = `(${result.rowCount} ${result.rowCount === 1 ? 'row' : 'rows'})`;
  return [line(result.columns), rule, ...result.rows.map(line), count].join('\n');
}

/** Server messages on psql's stderr look like `psql:<stdin>:12: NOTICE:  text`. */
function parseStderr(stderr: string): { messages: string[]; error?: { message: string; lineInStatement?: number } } {
  const messages: string[] = [];
  let error: { message: string; lineInStatement?: number } | undefined;
  for (const line of stderr.split('\n')) {
    const match = /^psql:[^:]*:\d+: (ERROR|FATAL|PANIC|NOTICE|WARNING|INFO|LOG|DEBUG):\s+(.*)$/.exec(line);
    if (match) {
      if (['ERROR', 'FATAL', 'PANIC'].includes(match[1])) error ??= { message: `${match[1]}: ${match[2]}` };
      else messages.push(`${match[1]}: ${match[2]}`);
      continue;
    }
    const position = /^LINE (\d+):/.exec(line);
    if (position && error && error.lineInStatement === undefined) error.lineInStatement = Number(position[1]);
    else if (/^psql:[^:]*:\d+: error: (.*)$/.test(line)) error ??= { message: line.replace(/^psql:[^:]*:\d+: /, '') };
    else if (/^(DETAIL|HINT|CONTEXT):/.test(line) && error) error.message += `\n${line}`;
  }
  return { messages, error };
}

export async function runPsqlScript(source: string, options: PsqlRunOptions): Promise<PsqlRun> {
  const started = performance.now();
  const { units } = scanPsqlScript(source);
  const nonce = randomBytes(6).toString('hex');
  const marker = `@@pgtv-${nonce}@@`;
  const nullText = `<null-${nonce}>`;
  const script = wrapScript(units, source, options.wrap, marker, nullText);
  const args = ['-X', '-q', '-d', options.databaseUrl, '-f', '-'];
  for (const [name, value] of Object.entries(options.params)) args.push('-v', `${name}=${value}`);

  const child = spawn(path.join(options.binDir, 'psql'), args, {
    env: {
      ...process.env,
      PGAPPNAME: options.applicationName,
      PGOPTIONS: `-c statement_timeout=${options.timeoutMs} -c client_min_messages=notice`,
      PGCONNECT_TIMEOUT: '10',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(script);

  // The server enforces statement_timeout; this guards against psql itself hanging.
  let timedOut = false;
  const guard = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs + 5000);
  const abort = () => child.kill('SIGKILL');
  options.signal?.addEventListener('abort', abort, { once: true });
  const exitCode = await new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      stderr += `psql:<stdin>:0: error: could not run psql: ${error.message}\n`;
      resolve(null);
    });
    child.on('close', (code) => resolve(code));
  });
  clearTimeout(guard);
  options.signal?.removeEventListener('abort', abort);

  const outputs: UnitOutput[] = [];
  const parts = stdout.split(new RegExp(`^${marker}`, 'm'));
  let lastStarted = -1;
  for (const part of parts.slice(1)) {
    const newline = part.indexOf('\n');
    const tag = part.slice(0, newline < 0 ? part.length : newline);
    const body = newline < 0 ? '' : part.slice(newline + 1);
    if (tag === 'end') break;
    const index = Number(tag);
    lastStarted = index;
    const unit = units[index];
    if (unit.kind === 'sql') {
      const csv = body.split('\n').filter((l) => !TIMING_LINE.test(l)).join('\n');
      outputs.push({ unit, result: toResultSet(csv, nullText) });
    } else {
      outputs.push({ unit, text: body.replace(/\n$/, '') });
    }
  }

  const parsed = parseStderr(stderr);
  let error: SnippetError | undefined;
  if (parsed.error || (exitCode !== 0 && !timedOut)) {
    const unit = units[lastStarted];
    const line = unit ? unit.start.line + Math.max(0, (parsed.error?.lineInStatement ?? 1) - 1) : 1;
    error = { message: parsed.error?.message ?? `psql exited with status ${exitCode}: ${stderr.trim().slice(0, 500)}`, line };
  }
  if (timedOut) error = { message: `timed out after ${options.timeoutMs} ms`, line: units[lastStarted]?.start.line ?? 1 };

  const results = outputs.flatMap((o) => (o.result ? [o.result] : []));
  const transcript = [
    ...outputs.map((o) => (o.result ? renderResult(o.result) : o.text)).filter((t): t is string => Boolean(t)),
    ...parsed.messages,
  ].join('\n\n');
  return { units: outputs, results, messages: parsed.messages, transcript, error, timedOut, exitCode, durationMs: performance.now() - started };
}
