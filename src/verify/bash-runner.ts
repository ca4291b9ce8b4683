import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Runs a bash snippet in a sandbox: a temporary working directory that is also HOME, PG*
 * variables that point at a disposable database, and recording stubs in front of PATH for
 * every command with effects outside this machine's test (mail, crontab, curl…). The script
 * runs in its own process group, which is killed whole when it ends or times out, so
 * children it forked do not outlive it. The sandbox directory is removed afterwards.
 */

export const STUBBED_COMMANDS = ['mail', 'mailx', 'sendmail', 'crontab', 'curl', 'wget', 'ssh', 'scp', 'logger', 'systemctl', 'wall', 'notify-send'];

export interface StubCall {
  command: string;
  args: string[];
  stdin: string;
}

export interface BashRunOptions {
  args: string[];
  /** Connection for the script: exported as PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE. */
  databaseUrl: string;
  /** The server's own client programs (psql…), put on PATH before the system's. */
  binDir: string;
  timeoutMs: number;
  applicationName: string;
  /** Aborting kills the script's whole process group at once. */
  signal?: AbortSignal;
  /** Where its sandbox directory goes: the run's scratch directory (scratch.ts). */
  scratchDir: string;
}

export interface BashRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  stubCalls: StubCall[];
  timedOut: boolean;
  durationMs: number;
}

/**
 * Each call writes one file of its own, named by the time it started: calls in a pipeline
 * run at once, and records appended to one shared file would interleave.
 */
function stubScript(command: string): string {
  return [
    '#!/usr/bin/env bash',
    'record="$PGTV_STUB_CALLS/$(date +%s%N)-$$"',
    `printf '%s\\n' ${JSON.stringify(command)} "$#" "$@" >"$record.part"`,
    'if [ ! -t 0 ]; then cat >>"$record.part"; fi',
    'mv "$record.part" "$record"',
    'exit 0',
    '',
  ].join('\n');
}

async function readStubCalls(directory: string): Promise<StubCall[]> {
  const records = (await readdir(directory)).filter((name) => !name.endsWith('.part')).sort();
  return Promise.all(
    records.map(async (name) => {
      const lines = (await readFile(path.join(directory, name), 'utf8')).split('\n');
      const count = Number(lines[1]);
      return { command: lines[0], args: lines.slice(2, 2 + count), stdin: lines.slice(2 + count).join('\n') };
    }),
  );
}

function pgEnvironment(databaseUrl: string): Record<string, string> {
  // A Unix-socket URL (postgresql://user@/db?host=/dir&port=N, as an attached local cluster
  // gives) has no host part, which WHATWG URL refuses: parse it with a stand-in host and
  // take host and port from its query.
  const url = new URL(databaseUrl.replace(/^(postgres(?:ql)?:\/\/[^@/]*@)\//, '$1localhost/'));
  return {
    PGHOST: url.searchParams.get('host') ?? url.hostname,
    PGPORT: url.searchParams.get('port') ?? (url.port || '5432'),
    PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password),
    PGDATABASE: decodeURIComponent(url.pathname.slice(1)),
  };
}

export async function runBashScript(file: string, options: BashRunOptions): Promise<BashRun> {
  const started = performance.now();
  const sandbox = await mkdtemp(path.join(options.scratchDir, 'sandbox-'));
  try {
    const stubs = path.join(sandbox, '.stubs');
    await mkdir(stubs);
    await Promise.all(
      STUBBED_COMMANDS.map(async (command) => {
        const stub = path.join(stubs, command);
        await writeFile(stub, stubScript(command));
        await chmod(stub, 0o755);
      }),
    );
    const stubCalls = path.join(sandbox, '.stub-calls');
    await mkdir(stubCalls);
    const child = spawn('bash', [file, ...options.args], {
      cwd: sandbox,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        // The server's own psql and friends come before the system's.
        PATH: `${stubs}:${options.binDir}:${process.env.PATH}`,
        HOME: sandbox,
        TMPDIR: sandbox,
        LANG: 'C.UTF-8',
        PGTV_STUB_CALLS: stubCalls,
        PGAPPNAME: options.applicationName,
        PGCONNECT_TIMEOUT: '10',
        ...pgEnvironment(options.databaseUrl),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    let timedOut = false;
    const guard = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', killGroup, { once: true });
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    const exitCode = await new Promise<number | null>((resolve) => {
      child.on('error', () => resolve(null));
      child.on('exit', (code) => resolve(code));
    });
    clearTimeout(guard);
    options.signal?.removeEventListener('abort', killGroup);
    // Background children the script left running go with it; then their pipes close.
    killGroup();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    return {
      exitCode,
      stdout,
      stderr,
      stubCalls: await readStubCalls(stubCalls),
      timedOut,
      durationMs: performance.now() - started,
    };
  } finally {
    await rm(sandbox, { recursive: true, force: true });
  }
}
