import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadTargets } from '../../src/config/targets.ts';
import { isAlive } from '../../src/db/local/cluster.ts';
import { urlProvider } from '../../src/db/providers/url.ts';
import type { ServerInfo } from '../../src/db/server-info.ts';
import { DatabaseServer } from '../../src/db/server.ts';

/** Nothing may survive a server: no owner, no postmaster, no cluster directory, no socket. */
function leftovers(info: ServerInfo, postmaster: number): string[] {
  const found: string[] = [];
  if (isAlive(info.ownerPid)) found.push(`owner process ${info.ownerPid}`);
  if (isAlive(postmaster)) found.push(`postmaster ${postmaster}`);
  const dir = info.details.clusterDirectory;
  if (existsSync(dir)) found.push(`directory ${dir}`);
  if (existsSync(path.join(info.details.socketDirectory, `.s.PGSQL.${info.details.port}`))) found.push('socket');
  return found;
}

function postmasterOf(info: ServerInfo): number {
  return Number(readFileSync(path.join(info.details.clusterDirectory, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function eventually(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'scripts', 'runbooks.ts');

function runCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing`)));
  });
}

async function exitCode(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

async function capture(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = runCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const code = await exitCode(child);
  return { code, stdout, stderr };
}

describe('a throwaway server leaves nothing behind', () => {
  it('when closed', async () => {
    const server = await DatabaseServer.start({ onLog: () => undefined });
    const postmaster = postmasterOf(server.info);
    expect(isAlive(postmaster)).toBe(true);
    expect(await server.close()).toBe(0);
    expect(leftovers(server.info, postmaster)).toEqual([]);
  });

  it('when the process holding it is killed with SIGKILL (a crash)', async () => {
    const holder = spawn(process.execPath, [path.join(import.meta.dirname, 'programs', 'hold-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const info = JSON.parse(await firstLine(holder)) as ServerInfo;
    const postmaster = postmasterOf(info);
    holder.kill('SIGKILL');
    await eventually(() => !isAlive(info.ownerPid));
    expect(leftovers(info, postmaster)).toEqual([]);
  });

  it('when its owner itself is killed with SIGKILL: the next start removes what it left', async () => {
    const holder = spawn(process.execPath, [path.join(import.meta.dirname, 'programs', 'hold-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const info = JSON.parse(await firstLine(holder)) as ServerInfo;
    const postmaster = postmasterOf(info);
    process.kill(info.ownerPid, 'SIGKILL');
    holder.kill('SIGKILL');
    await eventually(() => !isAlive(info.ownerPid));
    expect(isAlive(postmaster)).toBe(true);
    const next = await DatabaseServer.start({ onLog: () => undefined });
    await next.close();
    expect(leftovers(info, postmaster)).toEqual([]);
  });
});

describe('runbooks db', () => {
  let stateDir: string;
  const env = () => ({ PGTV_STATE_DIR: stateDir });
  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'pgtv-state-test-'));
  });
  afterAll(async () => {
    await capture(['db', 'down'], env());
    await rm(stateDir, { recursive: true, force: true });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`up holds the database until ${signal}, then removes it`, async () => {
      const up = runCli(['db', 'up'], env());
      const url = await firstLine(up);
      expect(url).toMatch(/^postgresql:\/\/postgres:[0-9a-f]+@127\.0\.0\.1:\d+\/pgtv_fixture$/);
      const info = JSON.parse(readFileSync(path.join(stateDir, `db-${loadTargets().primary.id}.json`), 'utf8')) as ServerInfo;
      const postmaster = postmasterOf(info);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM tv_comment`);
      await client.end();
      expect(rows[0].n).toBe(5000);
      up.kill(signal);
      expect(await exitCode(up)).toBe(0);
      expect(leftovers(info, postmaster)).toEqual([]);
      expect(existsSync(path.join(stateDir, `db-${loadTargets().primary.id}.json`))).toBe(false);
    });
  }

  it('up --detach, status, url, psql, down', async () => {
    const up = await capture(['db', 'up', '--detach'], env());
    expect(up.code).toBe(0);
    const info = JSON.parse(readFileSync(path.join(stateDir, `db-${loadTargets().primary.id}.json`), 'utf8')) as ServerInfo;
    const postmaster = postmasterOf(info);
    expect(up.stdout.trim()).toBe(info.fixtureUrl);

    const status = await capture(['db', 'status'], env());
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`pg_tviews    ${loadTargets().primary.pgTviewsVersion}`);
    expect(status.stdout).toContain(`target       ${loadTargets().primary.id}`);
    expect(status.stdout).toMatch(/tv_comment\s+5000 rows/);

    const url = await capture(['db', 'url'], env());
    expect(url.stdout.trim()).toBe(info.fixtureUrl);

    const psql = await capture(['db', 'psql', '--', '-X', '-At', '-c', 'SELECT count(*) FROM tv_user'], env());
    expect(psql).toMatchObject({ code: 0, stdout: '1000\n' });

    const again = await capture(['db', 'up', '--detach'], env());
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already running/);

    const down = await capture(['db', 'down'], env());
    expect(down.code).toBe(0);
    expect(leftovers(info, postmaster)).toEqual([]);

    const after = await capture(['db', 'status'], env());
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/no database is running/);
  });

  it('answers misuse with exit 2 and help with exit 0', async () => {
    expect((await capture(['db', 'sideways'], env())).code).toBe(2);
    expect((await capture(['db', 'up', '--scale', 'zero'], env())).code).toBe(2);
    expect((await capture(['db', 'up', '--provider', 'cloud'], env())).code).toBe(2);
    expect((await capture(['nonsense'], env())).code).toBe(2);
    for (const sub of ['up', 'down', 'status', 'url', 'psql']) {
      const help = await capture(['db', sub, '--help'], env());
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/usage: runbooks db/);
    }
  });
});

describe('the url provider', () => {
  it('creates only databases with its own prefix and drops exactly those', async () => {
    const info = inject('server');
    const log: string[] = [];
    const provider = urlProvider({ databaseUrl: info.adminUrl, target: loadTargets().primary, scale: 1 });
    const started = await provider.start((line) => log.push(line));
    expect(started.databasePrefix).toMatch(/^pgtv_[0-9a-f]{8}_$/);
    const admin = new pg.Client({ connectionString: info.adminUrl });
    await admin.connect();
    try {
      const before = (await admin.query(`SELECT datname FROM pg_database ORDER BY 1`)).rows.map((r) => r.datname);
      await admin.query(`CREATE DATABASE "${started.databasePrefix}one"`);
      await admin.query(`CREATE DATABASE "${started.databasePrefix}two"`);
      await provider.stop((line) => log.push(line));
      const after = (await admin.query(`SELECT datname FROM pg_database ORDER BY 1`)).rows.map((r) => r.datname);
      expect(after).toEqual(before);
      expect(log).toEqual([`dropped database ${started.databasePrefix}one`, `dropped database ${started.databasePrefix}two`]);
    } finally {
      await admin.end();
    }
  });

  it('refuses a role that may not create databases, saying what to grant', async () => {
    const info = inject('server');
    const admin = new pg.Client({ connectionString: info.adminUrl });
    await admin.connect();
    const role = `pgtv_nocreate_${process.pid}`;
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'secret-for-test' NOCREATEDB`);
      const url = new URL(info.adminUrl);
      url.username = role;
      url.password = 'secret-for-test';
      const provider = urlProvider({ databaseUrl: url.toString(), target: loadTargets().primary, scale: 1 });
      await expect(provider.start(() => undefined)).rejects.toThrow(/may not create databases: grant it CREATEDB/);
    } finally {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });

  it('reports a fixture that does not load there by file and line, with what to do, and no stack trace', async () => {
    const info = inject('server');
    const admin = new pg.Client({ connectionString: info.adminUrl });
    await admin.connect();
    const role = `pgtv_notsuper_${process.pid}`;
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'pgtv-state-test-'));
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'secret-for-test' CREATEDB`);
      const url = new URL(info.adminUrl);
      url.username = role;
      url.password = 'secret-for-test';
      const up = await capture(['db', 'up', '--provider', 'url'], { PGTV_STATE_DIR: stateDir, PGTV_DATABASE_URL: url.toString() });
      expect(up.code).toBe(2);
      expect(up.stderr).toMatch(/runbooks db: fixtures\/schema\.sql:\d+: the fixture does not load on 127\.0\.0\.1:\d+: permission denied/);
      expect(up.stderr).toMatch(/fix the fixture for the pg_tviews this server runs/);
      expect(up.stderr).not.toMatch(/^\s+at /m);
      const left = await admin.query(`SELECT datname FROM pg_database WHERE datdba = (SELECT oid FROM pg_roles WHERE rolname = $1)`, [role]);
      expect(left.rows).toEqual([]);
    } finally {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('refuses an unreachable server with the connection error', async () => {
    const provider = urlProvider({ databaseUrl: 'postgresql://nobody:x@127.0.0.1:1/postgres', target: loadTargets().primary, scale: 1 });
    await expect(provider.start(() => undefined)).rejects.toThrow(/cannot connect to PGTV_DATABASE_URL/);
  });
});
