import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverOf, targetIds } from './helpers.ts';

/**
 * Pins what pg_tviews does when it is not in shared_preload_libraries: the verification
 * servers always preload it, so this starts a bare cluster of its own, per target, from the
 * same install (the target's PostgreSQL with pg_tviews built into it), without the preload.
 */

const run = promisify(execFile);

interface Bare {
  dir: string;
  port: number;
  stop: () => Promise<void>;
}

/** The OS user a cluster must run as when we are root (initdb refuses root). */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error("running as root without a 'postgres' OS user: start a verification server once to create it");
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** initdb and start a cluster of the install holding `binDir`, pg_tviews installed but not preloaded. */
async function startBare(binDir: string): Promise<Bare> {
  const user = postgresUser();
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  const parent = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = await mkdtemp(path.join(parent, 'pgtv-facts-nopreload-'));
  let bin = binDir;
  if (user) {
    // The install lies under root's private cache: give the cluster's user a copy of it.
    const packageRoot = path.dirname(path.dirname(binDir));
    await cp(packageRoot, path.join(dir, 'package'), { recursive: true, verbatimSymlinks: true });
    bin = path.join(dir, 'package', path.relative(packageRoot, binDir));
    await run('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
  }
  await chmod(dir, 0o700);
  const env = { ...process.env, LC_ALL: 'C.UTF-8' };
  const data = path.join(dir, 'data');
  await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth-local=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], { ...asUser, env, cwd: dir });
  const port = 20000 + Math.floor(Math.random() * 20000);
  const settings = { listen_addresses: '', unix_socket_directories: dir, port: String(port), shared_preload_libraries: '', fsync: 'off', max_prepared_transactions: '4' };
  const log = path.join(dir, 'postgres.log');
  const child = spawn(path.join(bin, 'postgres'), ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])], {
    ...asUser,
    env,
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGQUIT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  const socket = path.join(dir, `.s.PGSQL.${port}`);
  for (let i = 0; i < 600 && !(existsSync(socket) && stderr.includes('ready to accept connections')); i++) {
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!existsSync(socket)) {
    await stop();
    throw new Error(`the bare cluster did not start:\n${stderr}${await readFile(log, 'utf8').catch(() => '')}`);
  }
  return { dir, port, stop };
}

describe.each(targetIds())('pg_tviews without shared_preload_libraries on %s', (target) => {
  let bare: Bare;
  let client: pg.Client;
  const createWarnings: string[] = [];

  beforeAll(async () => {
    bare = await startBare(serverOf(target).binDir);
    client = new pg.Client({ host: bare.dir, port: bare.port, user: 'postgres', database: 'postgres' });
    await client.connect();
    client.on('notice', (n) => n.severity === 'WARNING' && createWarnings.push(n.message ?? ''));
    await client.query(`CREATE EXTENSION pg_tviews`);
  });

  afterAll(async () => {
    await client?.end().catch(() => undefined);
    await bare?.stop();
  });

  it('warns at CREATE EXTENSION that jsonb_delta is missing (with the preload, the server log says it once per backend)', () => {
    expect(createWarnings).toEqual(['smart JSONB patching is disabled: jsonb_delta is not installed']);
  });

  it('installs and maintains TVIEWs: the library is loaded on first use', async () => {
    expect((await client.query(`SHOW shared_preload_libraries`)).rows).toEqual([{ shared_preload_libraries: '' }]);
    expect((await client.query(`SELECT extversion FROM pg_extension WHERE extname = 'pg_tviews'`)).rows).toEqual([{ extversion: serverOf(target).pgTviewsVersion }]);
    await client.query(`CREATE TABLE tb_item (pk_item bigint PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid(), label text)`);
    await client.query(`INSERT INTO tb_item (pk_item, label) VALUES (1, 'a')`);
    await client.query(`CREATE TABLE tv_item AS SELECT pk_item, id, jsonb_build_object('label', label) AS data FROM tb_item`);
    expect((await client.query(`SELECT entity, view::text AS view FROM tviews.registry`)).rows).toEqual([{ entity: 'item', view: 'tviews.public__tv_item' }]);
    await client.query(`UPDATE tb_item SET label = 'b'`);
    await client.query('BEGIN');
    await client.query(`INSERT INTO tb_item (pk_item, label) VALUES (2, 'c')`);
    await client.query('COMMIT');
    expect((await client.query(`SELECT pk_item::int AS pk, data->>'label' AS label FROM tv_item ORDER BY 1`)).rows).toEqual([
      { pk: 1, label: 'b' },
      { pk: 2, label: 'c' },
    ]);
  });

  it('refuses tviews.stats and pg_tviews_feed_gaps() with 55000, while the health check reports nothing amiss', async () => {
    await expect(client.query(`SELECT * FROM tviews.stats`)).rejects.toMatchObject({
      code: '55000',
      message: "tviews.stats needs the library preloaded: shared_preload_libraries = 'pg_tviews', then restart",
    });
    await expect(client.query(`SELECT tviews.pg_tviews_feed_gaps()`)).rejects.toMatchObject({ code: '55000' });
    const { rows } = await client.query(`SELECT component FROM tviews.pg_tviews_health_check() WHERE status <> 'OK'`);
    expect(rows.map((r) => r.component)).toEqual(['jsonb_delta']);
  });
});
