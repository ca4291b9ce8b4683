import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { access, chown, constants, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { EnvironmentError } from '../../errors/index.ts';
import { cacheDir, clusterParentCandidates } from '../../config/paths.ts';
import { abandoned, isAlive, markOwner } from './owned-dirs.ts';
import type { ProvisionedPostgres } from './provision.ts';

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster: a fresh temporary directory, its own port and
 * socket directory, settings the runbooks need, and nothing kept afterwards. Clusters run
 * as the `postgres` OS user when we are root (initdb refuses root).
 */

export const CLUSTER_DIR_PREFIX = 'pgtv-cluster-';

export interface Cluster {
  dir: string;
  dataDir: string;
  socketDir: string;
  port: number;
  password: string;
  /** Connects over TCP with a password, usable from any client on this machine. */
  adminUrl: string;
}

/** Settings the runbooks rely on; fsync and friends are off because the cluster is disposable. */
export function clusterSettings(socketDir: string, port: number): string[] {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: socketDir,
    shared_preload_libraries: 'pg_tviews,pg_stat_statements',
    max_prepared_transactions: '16',
    track_io_timing: 'on',
    'pg_stat_statements.track': 'all',
    max_connections: '60',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    timezone: 'UTC',
    lc_messages: 'C',
    log_min_messages: 'warning',
    logging_collector: 'off',
    // Segments then live in the cluster directory and go with it, even after a SIGKILL.
    dynamic_shared_memory_type: 'mmap',
  };
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface OsUser {
  uid: number;
  gid: number;
  home: string;
}

/**
 * The OS user clusters run as when we are root. Debian's PostgreSQL packages create it;
 * without them it is created here, as a system user with no login shell.
 */
async function postgresOsUser(log: (line: string) => void): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const find = () => readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!find()) {
    log("creating the system user 'postgres' to run throwaway clusters as (initdb refuses root)");
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/var/lib/postgresql', '--shell', '/usr/sbin/nologin', 'postgres']).catch((error: Error) => {
      throw new EnvironmentError(`running as root, and there is no 'postgres' OS user to run the cluster as; creating one failed: ${error.message}`);
    });
  }
  const [, , uid, gid, , home] = find()!.split(':');
  return { uid: Number(uid), gid: Number(gid), home };
}

/**
 * The server's install, where the cluster's user can run it from. Under root's home it
 * cannot (/root is private), so the cluster gets its own copy of the package (about 50 MB,
 * 0.05 s on /dev/shm), which goes with the cluster's directory.
 */
async function reachableInstall(server: ProvisionedPostgres, clusterDir: string, osUser: OsUser | undefined): Promise<string> {
  if (!osUser) return server.installDir;
  const reachable = await run('test', ['-x', path.join(server.installDir, 'bin', 'postgres')], { uid: osUser.uid, gid: osUser.gid }).then(
    () => true,
    () => false,
  );
  if (reachable) return server.installDir;
  const copy = path.join(clusterDir, `package-${path.basename(server.root)}`);
  await run('cp', ['-a', server.root, copy]);
  return path.join(copy, path.relative(server.root, server.installDir));
}

interface ServerRunner {
  osUser: OsUser | undefined;
  /** spawn/execFile options that run a program as the cluster's user. */
  asPostgres: { uid?: number; gid?: number };
  env: NodeJS.ProcessEnv;
}

/** Who the server and its programs run as, and with which environment. */
async function serverRunner(log: (line: string) => void): Promise<ServerRunner> {
  const osUser = await postgresOsUser(log);
  return {
    osUser,
    asPostgres: osUser ? { uid: osUser.uid, gid: osUser.gid } : {},
    env: { ...process.env, HOME: osUser?.home ?? process.env.HOME, LC_ALL: 'C.UTF-8' },
  };
}

/**
 * A new cluster directory under `parent`, owned by the cluster's user, with the server's
 * programs where that user can run them. Its owner is written first, so a reaper can always
 * tell whose directory it is, and the caller is told it at once, so an interrupted start can
 * still be cleaned up.
 */
async function newClusterDirectory(options: { parent: string; server: ProvisionedPostgres; runner: ServerRunner; ownerPid: number; onDirectory: (dir: string) => void }): Promise<{ dir: string; binDir: string }> {
  const { osUser } = options.runner;
  const dir = await mkdtemp(path.join(options.parent, CLUSTER_DIR_PREFIX));
  await markOwner(dir, options.ownerPid);
  options.onDirectory(dir);
  if (osUser) await chown(dir, osUser.uid, osUser.gid);
  return { dir, binDir: path.join(await reachableInstall(options.server, dir, osUser), 'bin') };
}

/** Room a cluster needs: the server's own files plus the template, the fixture and clones. */
function bytesNeeded(scale: number): number {
  return 1024 ** 3 + scale * 64 * 1024 ** 2;
}

export async function chooseClusterParent(scale: number): Promise<string> {
  const candidates = clusterParentCandidates();
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.W_OK);
      const fs = await statfs(candidate);
      if (fs.bavail * fs.bsize >= bytesNeeded(scale)) return candidate;
    } catch {
      // Not there or not writable: try the next one.
    }
  }
  return candidates[candidates.length - 1];
}

export async function startCluster(options: {
  /** The target's PostgreSQL with pg_tviews installed (scripts/provision-target.sh install). */
  server: ProvisionedPostgres;
  scale: number;
  ownerPid: number;
  log: (line: string) => void;
  /** Told the directory as soon as it exists, so an interrupted start can still be cleaned up. */
  onDirectory: (dir: string) => void;
}): Promise<Cluster> {
  const runner = await serverRunner(options.log);
  const { osUser, asPostgres, env } = runner;
  const parent = await chooseClusterParent(options.scale);
  const { dir, binDir } = await newClusterDirectory({ parent, server: options.server, runner, ownerPid: options.ownerPid, onDirectory: options.onDirectory });
  const pristine = await pristineDataDir(binDir, osUser, env);
  const dataDir = path.join(dir, 'data');
  await run('cp', ['-a', pristine, dataDir]);

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = await launchPostmaster({ binDir, dataDir, socketDir: dir, port, asPostgres, env });
    if (started.ok) {
      // Every cluster gets its own password; the cached data directory only has a placeholder.
      const password = randomBytes(12).toString('hex');
      const client = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
      await client.connect();
      await client.query(`ALTER ROLE postgres PASSWORD '${password}'`).finally(() => client.end());
      options.log(`PostgreSQL started on port ${port} in ${dir}`);
      return { dir, dataDir, socketDir: dir, port, password, adminUrl: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres` };
    }
    // Another process may have taken the port between the probe and the bind: try another.
    if (attempt >= 3 || !/could not bind|address already in use/i.test(started.log)) {
      throw new Error(`PostgreSQL did not start:\n${started.log}`);
    }
  }
}

const INITDB_OPTIONS = ['-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'];

/**
 * initdb is most of a cluster's start-up time, and its result depends only on the server
 * build and the options; so it runs once per machine and each cluster starts from a copy.
 */
async function pristineDataDir(binDir: string, osUser: OsUser | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout: version } = await run(path.join(binDir, 'postgres'), ['--version']);
  const key = createHash('sha256').update(`${version}\n${INITDB_OPTIONS.join(' ')}`).digest('hex').slice(0, 16);
  const cached = path.join(cacheDir(), 'initdb', key);
  if (existsSync(path.join(cached, 'PG_VERSION'))) return cached;

  // initdb runs as postgres, which cannot write under root's cache: work in /tmp, then copy.
  const scratch = await mkdtemp(path.join(await chooseClusterParent(1), 'pgtv-initdb-'));
  try {
    if (osUser) await chown(scratch, osUser.uid, osUser.gid);
    const passwordFile = path.join(scratch, 'pwfile');
    await writeFile(passwordFile, 'placeholder\n', { mode: 0o600 });
    if (osUser) await chown(passwordFile, osUser.uid, osUser.gid);
    await new Promise<void>((resolve, reject) => {
      execFile(
        path.join(binDir, 'initdb'),
        ['-D', path.join(scratch, 'data'), ...INITDB_OPTIONS, `--pwfile=${passwordFile}`],
        { ...(osUser ? { uid: osUser.uid, gid: osUser.gid } : {}), env, cwd: scratch },
        (error, _stdout, stderr) => (error ? reject(new Error(`initdb failed: ${stderr || error.message}`)) : resolve()),
      );
    });
    await mkdir(path.dirname(cached), { recursive: true });
    const partial = `${cached}.${process.pid}.part`;
    await run('cp', ['-a', path.join(scratch, 'data'), partial]);
    // Another process may have finished the same work first; either copy is as good.
    await rename(partial, cached).catch(() => rm(partial, { recursive: true, force: true }));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return cached;
}

async function launchPostmaster(options: {
  binDir: string;
  dataDir: string;
  socketDir: string;
  port: number;
  asPostgres: { uid?: number; gid?: number };
  env: NodeJS.ProcessEnv;
}): Promise<{ ok: boolean; log: string }> {
  const logFile = path.join(options.dataDir, '..', 'postgres.log');
  // A restarted cluster appends to the log of its first start: only what follows counts.
  const logStart = (await stat(logFile).catch(() => undefined))?.size ?? 0;
  const newLog = async () => (await readFile(logFile, 'utf8').catch(() => '')).slice(logStart);
  const logFd = openSync(logFile, 'a');
  // The package's server modules that load libpq (libpqwalreceiver for a standby, dblink,
  // postgres_fdw) look for it where the package was built (RUNPATH /opt/postgresql/lib), and
  // would load the machine's own, older libpq instead: point them at the package's.
  const libDir = path.join(options.binDir, '..', 'lib');
  const env = { ...options.env, LD_LIBRARY_PATH: [libDir, options.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
  // Its own session, so a Ctrl-C meant for us is not also a fast shutdown behind our back.
  const child = spawn(path.join(options.binDir, 'postgres'), ['-D', options.dataDir, ...clusterSettings(options.socketDir, options.port)], {
    ...options.asPostgres,
    env,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  child.unref();
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + 30_000;
  const socket = path.join(options.socketDir, `.s.PGSQL.${options.port}`);
  while (Date.now() < deadline && !exited) {
    // A hot standby says "ready to accept read-only connections".
    if (existsSync(socket) && /ready to accept (read-only )?connections/.test(await newLog())) return { ok: true, log: '' };
    await new Promise((r) => setTimeout(r, 25));
  }
  const log = await newLog();
  if (!exited) await stopPostmaster(options.dataDir);
  return { ok: false, log };
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops the cluster cleanly (a fast shutdown, as for a maintenance restart) and starts it again
 * on the same data with another server build of the same PostgreSQL: an extension upgrade
 * installs the new library, and the server only loads it at start.
 */
export async function restartCluster(cluster: Cluster, server: ProvisionedPostgres, log: (line: string) => void): Promise<void> {
  const pid = postmasterPid(cluster.dataDir);
  if (pid && isAlive(pid)) {
    process.kill(pid, 'SIGINT');
    if (!(await waitUntilGone(pid, 30_000))) throw new Error(`PostgreSQL (pid ${pid}) did not stop within 30 s for the restart`);
  }
  const { osUser, asPostgres, env } = await serverRunner(log);
  const binDir = path.join(await reachableInstall(server, cluster.dir, osUser), 'bin');
  const started = await launchPostmaster({ binDir, dataDir: cluster.dataDir, socketDir: cluster.socketDir, port: cluster.port, asPostgres, env });
  if (!started.ok) throw new Error(`PostgreSQL did not start again:\n${started.log}`);
  log(`PostgreSQL restarted on port ${cluster.port} with ${server.installDir}`);
}

/**
 * A hot standby of `primary`, streaming from it: a base backup taken with pg_basebackup -R (which
 * writes standby.signal and primary_conninfo), started on its own port in a directory of its own
 * that `removeCluster` deletes. Same server build and settings as the primary, so pg_tviews is
 * loaded there as it would be on a real replica. The primary's roles, passwords included, come
 * with the backup.
 */
export async function startStandby(options: {
  primary: Cluster;
  server: ProvisionedPostgres;
  ownerPid: number;
  log: (line: string) => void;
  onDirectory: (dir: string) => void;
}): Promise<Cluster> {
  const { primary } = options;
  const runner = await serverRunner(options.log);
  const { asPostgres, env } = runner;
  const parent = path.dirname(primary.dir);
  const { dir, binDir } = await newClusterDirectory({ parent, server: options.server, runner, ownerPid: options.ownerPid, onDirectory: options.onDirectory });
  const dataDir = path.join(dir, 'data');
  // Over the primary's socket, where initdb's pg_hba.conf trusts local replication connections.
  const backup = ['-D', dataDir, '-h', primary.socketDir, '-p', String(primary.port), '-U', 'postgres', '-R', '-X', 'stream', '-c', 'fast', '--no-sync'];
  await run(path.join(binDir, 'pg_basebackup'), backup, { ...asPostgres, env, cwd: dir }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`pg_basebackup of the primary on port ${primary.port} failed: ${error.stderr?.trim() || error.message}`);
  });
  const port = await freePort();
  const started = await launchPostmaster({ binDir, dataDir, socketDir: dir, port, asPostgres, env });
  if (!started.ok) throw new Error(`the standby did not start:\n${started.log}`);
  options.log(`standby of port ${primary.port} started on port ${port} in ${dir}`);
  return { dir, dataDir, socketDir: dir, port, password: primary.password, adminUrl: `postgresql://postgres:${primary.password}@127.0.0.1:${port}/postgres` };
}

/** Immediate shutdown (the cluster is thrown away, so no checkpoint is owed), then SIGKILL. */
export async function stopPostmaster(dataDir: string): Promise<void> {
  const pid = postmasterPid(dataDir);
  if (!pid || !isAlive(pid)) return;
  const escalation: [NodeJS.Signals, number][] = [['SIGQUIT', 5000], ['SIGKILL', 2000]];
  for (const [signal, wait] of escalation) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitUntilGone(pid, wait)) return;
  }
}

/** Polls until the process has exited; false if it is still there after `timeoutMs`. */
export async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !isAlive(pid);
}

export async function removeCluster(dir: string): Promise<void> {
  await stopPostmaster(path.join(dir, 'data'));
  await rm(dir, { recursive: true, force: true });
}

/**
 * Removes clusters whose owner process is gone (it was killed with SIGKILL, or the machine
 * lost power). Called before starting a new one, so leftovers never pile up.
 */
export async function reapStaleClusters(log: (line: string) => void): Promise<number> {
  let reaped = 0;
  for (const dir of await clusterDirectories()) {
    const { abandoned: left, owner } = await abandoned(dir);
    if (!left) continue;
    log(`removing a cluster left behind by process ${owner || 'unknown'}: ${dir}`);
    await removeCluster(dir);
    reaped++;
  }
  return reaped;
}

/** Every throwaway cluster directory on this machine, ours or another run's. */
export async function clusterDirectories(): Promise<string[]> {
  const found: string[] = [];
  for (const parent of clusterParentCandidates()) {
    const entries = await readdir(parent).catch(() => [] as string[]);
    found.push(...entries.filter((e) => e.startsWith(CLUSTER_DIR_PREFIX)).map((e) => path.join(parent, e)));
  }
  return found;
}

export { isAlive };
