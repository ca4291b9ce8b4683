/**
 * The database owner: a small process that brings a server up, holds it, and takes it down.
 *
 * It runs apart from the tool that asked for it (its own process group) and watches a pipe
 * from that tool: when the pipe closes — the tool finished, was interrupted, or crashed —
 * the owner stops the server and removes everything it created. A tool that wants the
 * database to outlive it (`runbooks db up --detach`) says `detach` on the pipe; then only
 * SIGTERM (`runbooks db down`) ends it.
 *
 * Protocol on stdout: one JSON line, `{"ready": ServerInfo}` or `{"error": …}`.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EnvironmentError } from '../errors/index.ts';
import { findTarget, loadTargets } from '../config/targets.ts';
import { type Provider, PROVIDER_NAMES, type ProviderName } from './provider.ts';
import { dockerProvider } from './providers/docker.ts';
import { localProvider } from './providers/local.ts';
import { urlProvider } from './providers/url.ts';
import type { ServerInfo } from './server-info.ts';
import { cloneDatabase, createTemplate, databaseUrl, withAdmin } from './template.ts';

const { values } = parseArgs({
  options: {
    provider: { type: 'string', default: 'local' },
    scale: { type: 'string', default: '1' },
    target: { type: 'string' },
    'state-file': { type: 'string' },
  },
});

const providerName = values.provider as ProviderName;
const scale = Number(values.scale);
const stateFile = values['state-file'];
const log = (line: string) => process.stderr.write(`[db] ${line}\n`);
// Once the tool that started us is gone, its end of our stderr may be too.
process.stderr.on('error', () => undefined);
process.stdout.on('error', () => undefined);

function makeProvider(): Provider {
  const target = values.target ? findTarget(values.target) : loadTargets().primary;
  if (providerName === 'docker') return dockerProvider({ target, scale });
  if (providerName === 'url') return urlProvider({ target, scale, databaseUrl: process.env.PGTV_DATABASE_URL });
  return localProvider({ target, scale });
}

/** The url provider runs whatever the server is: it is named after the target of its major. */
function targetId(serverVersionNum: number): string {
  if (providerName !== 'url') return values.target ?? loadTargets().primary.id;
  const major = Math.floor(serverVersionNum / 10000);
  return loadTargets().all.find((t) => t.postgresMajor === major)?.id ?? `pg${major}`;
}

let provider: Provider | undefined;
let stopping: Promise<void> | undefined;
let detached = false;

function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    try {
      await provider?.stop(log);
    } catch (error) {
      log(`cleanup failed: ${(error as Error).message}`);
      code = 1;
    }
    if (stateFile) await rm(stateFile, { force: true });
    // Whatever we started and is still running (apt-get, a cargo build) is in our process
    // group; the server is not (it has its own session).
    try {
      process.kill(-process.pid, 'SIGTERM');
    } catch {
      // No such group: we were not started as a group leader.
    }
    process.exit(code);
  })();
  return stopping;
}

// Nothing else keeps our event loop busy once the pipe is closed after `detach`: the server
// runs in its own session. This timer keeps us alive until a signal says to stop.
setInterval(() => undefined, 1 << 30);

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  if (chunk.split('\n').includes('detach')) detached = true;
});
process.stdin.on('end', () => {
  if (!detached) void shutdown(0);
});
process.stdin.on('error', () => {
  if (!detached) void shutdown(0);
});

async function start(): Promise<ServerInfo> {
  if (!PROVIDER_NAMES.includes(providerName)) throw new EnvironmentError(`unknown provider '${providerName}': use one of ${PROVIDER_NAMES.join(', ')}`);
  if (!Number.isInteger(scale) || scale < 1) throw new EnvironmentError(`scale must be a whole number of at least 1, not '${values.scale}'`);
  provider = makeProvider();
  const started = await provider.start(log);
  const templateDatabase = `${started.databasePrefix}template${scale > 1 ? `_x${scale}` : ''}`;
  const fixtureDatabase = `${started.databasePrefix}fixture`;
  const templateStart = Date.now();
  await createTemplate(started.adminUrl, templateDatabase, scale, started.binDir);
  log(`fixture template ${templateDatabase} loaded (scale ${scale}) in ${Date.now() - templateStart} ms`);
  const versions = await withAdmin(started.adminUrl, async (client) => {
    await cloneDatabase(client, templateDatabase, fixtureDatabase);
    const fixture = databaseUrl(started.adminUrl, fixtureDatabase);
    return withAdmin(fixture, async (fixtureClient) => {
      const { rows } = await fixtureClient.query<{ postgres: string; version_num: number; pg_tviews: string }>(
        `SELECT current_setting('server_version') AS postgres, current_setting('server_version_num')::int AS version_num, extversion AS pg_tviews
         FROM pg_extension WHERE extname = 'pg_tviews'`,
      );
      return rows[0];
    });
  });
  return {
    provider: providerName,
    target: targetId(versions.version_num),
    binDir: started.binDir,
    ownerPid: process.pid,
    adminUrl: started.adminUrl,
    databasePrefix: started.databasePrefix,
    templateDatabase,
    fixtureDatabase,
    fixtureUrl: databaseUrl(started.adminUrl, fixtureDatabase),
    scale,
    postgresVersion: versions.postgres.split(' ')[0],
    pgTviewsVersion: versions.pg_tviews,
    startedAt: new Date().toISOString(),
    details: started.details,
  };
}

try {
  const info = await start();
  if (stateFile) {
    await mkdir(path.dirname(stateFile), { recursive: true });
    await writeFile(stateFile, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  }
  if (!stopping) process.stdout.write(`${JSON.stringify({ ready: info })}\n`);
} catch (error) {
  // Every failure to bring the server up is the environment's (a package, a build, a port,
  // the fixture on that server): said as a message with its file and line, never a stack.
  const location = error instanceof EnvironmentError ? error.location : undefined;
  process.stdout.write(`${JSON.stringify({ error: (error as Error).message, location })}\n`);
  await shutdown(error instanceof EnvironmentError ? 2 : 1);
}
