import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioContext } from '../../src/verify/scenario.ts';

/** Helpers shared by the incident-response scenarios (not a scenario: no .scenario.ts suffix). */

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, PGCONNECT_TIMEOUT: '10' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs a snippet file the way a reader does, `psql -X -v ON_ERROR_STOP=1 [-v name=value] -f file`,
 * with exactly the variables given (t.snippet always passes the header's values, so a run
 * *without* a variable needs this).
 */
export function psqlFile(t: ScenarioContext, snippetFile: string, variables: Record<string, string> = {}, databaseUrl = t.databaseUrl): Promise<ProcessResult> {
  const args = ['-X', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl];
  for (const [name, value] of Object.entries(variables)) args.push('-v', `${name}=${value}`);
  args.push('-f', path.join(projectRoot, 'snippets', snippetFile));
  return run(path.join(t.target.binDir, 'psql'), args, { timeoutMs: 120_000 });
}

export interface Pgbench {
  /** Resolves when pgbench ends, with its output and the transactions it reports as processed. */
  done: Promise<ProcessResult & { processed: number; failed: number }>;
}

/**
 * Starts the target's own pgbench against the scenario's database with a custom script in a
 * temporary directory (removed when pgbench ends). Deadlocks between clients are retried.
 */
export async function startPgbench(t: ScenarioContext, script: string, options: { clients: number; seconds: number }): Promise<Pgbench> {
  const dir = await t.tempDir('pgbench');
  const file = path.join(dir, 'writes.sql');
  await writeFile(file, script);
  const args = ['-n', '-c', String(options.clients), '-T', String(options.seconds), '--max-tries=20', '-f', file, t.databaseUrl];
  const done = run(path.join(t.target.binDir, 'pgbench'), args, { cwd: dir, timeoutMs: (options.seconds + 60) * 1000 })
    .then((result) => {
      const processed = Number(/number of transactions actually processed: (\d+)/.exec(result.stdout)?.[1] ?? NaN);
      const failed = Number(/number of failed transactions: (\d+)/.exec(result.stdout)?.[1] ?? 0);
      return { ...result, processed, failed };
    })
    .finally(() => rm(dir, { recursive: true, force: true }));
  return { done };
}

type Query = <R extends Record<string, unknown>>(text: string, values?: unknown[]) => Promise<R[]>;

/**
 * For each TVIEW, the rows that differ between it and its backing view, compared on the view's
 * columns; on the scenario's main connection unless another query function is given.
 */
export async function differingRows(t: ScenarioContext, query?: Query): Promise<Record<string, number>> {
  const sql: Query = query ?? ((text, values) => t.sql(text, values));
  const tviews = await sql<{ entity: string; tbl: string; view: string; cols: string }>(
    `SELECT r.entity, format('%I.%I', r.schema, r.name) AS tbl, r.view::text AS view,
            (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
               FROM pg_attribute a WHERE a.attrelid = r.view AND a.attnum > 0 AND NOT a.attisdropped) AS cols
       FROM tviews.registry r ORDER BY r.entity`,
  );
  const result: Record<string, number> = {};
  for (const v of tviews) {
    const [{ n }] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM ((SELECT ${v.cols} FROM ${v.view} EXCEPT ALL SELECT ${v.cols} FROM ${v.tbl})
                                UNION ALL (SELECT ${v.cols} FROM ${v.tbl} EXCEPT ALL SELECT ${v.cols} FROM ${v.view})) d`,
    );
    result[v.entity] = n;
  }
  return result;
}

/** The enabled state (pg_trigger.tgenabled) of every pg_tviews trigger, keyed "table.trigger". */
export async function triggerStates(t: ScenarioContext): Promise<Record<string, string>> {
  const rows = await t.sql<{ key: string; state: string }>(
    `SELECT tg.tgrelid::regclass::text || '.' || tg.tgname AS key, tg.tgenabled::text AS state
       FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
      WHERE p.pronamespace = 'tviews'::regnamespace
        AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger', 'pg_tview_truncate_trigger', 'pg_tview_delta_trigger')
      ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.key, r.state]));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Connection settings for the scenario's database as another role (to see settings that apply
 * at login, ALTER ROLE … SET). Accepts the TCP and the Unix-socket form of the URL.
 */
export function connectionAs(databaseUrl: string, user: string, password: string) {
  const url = new URL(databaseUrl.replace(/^(postgres(?:ql)?:\/\/[^@/]*@)\//, '$1localhost/'));
  return {
    host: url.searchParams.get('host') ?? url.hostname,
    port: Number(url.searchParams.get('port') ?? (url.port || '5432')),
    database: decodeURIComponent(url.pathname.slice(1)),
    user,
    password,
  };
}
