import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
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
  timeoutMs: number;
  applicationName: string;
  /** Aborting kills the script's whole process group at once. */
  signal?: AbortSignal;
}

export interface BashRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  stubCalls: StubCall[];
  timedOut: boolean;
  durationMs: number;
}

const RECORD_SEPARATOR = '\u001e';

function stubScript(command: string): string {
  // Appends one record per call: name, arguments and what the script piped in.
  return [
    '#!/usr/bin/env bash',
    `printf '%s\\n' ${JSON.stringify(command)} "$#" "$@" >>"$PGTV_STUB_LOG"`,
    'if [ ! -t 0 ]; then cat >>"$PGTV_STUB_LOG"; fi',
    `printf '${RECORD_SEPARATOR}\\n' >>"$PGTV_STUB_LOG"`,
    'exit 0',
    '',
  ].join('\n');
}

function parseStubLog(text: string): StubCall[] {
  return text
    .split(`${RECORD_SEPARATOR}\n`)
    .filter((record) => record.length > 0)
    .map((record) => {
      const lines = record.split('\n');
      const count = Number(lines[1]);
      return { command: lines[0], args: lines.slice(2, 2 + count), stdin: lines.slice(2 + count).join('\n') };
    });
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
  const sandbox = await mkdtemp(path.join(os.tmpdir(), 'pgtv-sandbox-'));
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
    const stubLog = path.join(sandbox, '.stub-calls');
    await writeFile(stubLog, '');
    const child = spawn('bash', [file, ...options.args], {
      cwd: sandbox,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: `${stubs}:${process.env.PATH}`,
        HOME: sandbox,
        TMPDIR: sandbox,
        LANG: 'C.UTF-8',
        PGTV_STUB_LOG: stubLog,
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
      stubCalls: parseStubLog(await readFile(stubLog, 'utf8')),
      timedOut,
      durationMs: performance.now() - started,
    };
  } finally {
    await rm(sandbox, { recursive: true, force: true });
  }
}
