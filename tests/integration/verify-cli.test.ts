import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTargets } from '../../src/config/targets.ts';
import { reportSchema } from '../../src/report/schema.ts';

const primary = loadTargets().primary.id;

/** `runbooks verify` as a command: exit codes, --only, --changed, Ctrl-C. */

const cli = path.resolve(import.meta.dirname, '..', '..', 'scripts', 'runbooks.ts');

const snippet = (title: string, body: string, extra = '') =>
  `-- ---\n-- title: ${title}\n-- description: a snippet written for the verify command's tests\n-- safety: read-only\n-- privileges: [any role]\n-- timeout: 60s\n${extra}-- ---\n${body}\n`;

async function project(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'pgtv-verify-cli-'));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

const page = (names: string[]) => ['---', 'title: Test', '---', '', ...names.map((n) => `::snippet{name="${n}"}\n`)].join('\n');

function run(args: string[], env: NodeJS.ProcessEnv, onStderrLine?: (line: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr += `${line}\n`;
    onStderrLine?.(line, child);
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function git(root: string, ...args: string[]) {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', args, { cwd: root, stdio: 'ignore' });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')} failed`))));
  });
}

describe('runbooks verify', () => {
  let stateDir: string;
  const roots: string[] = [];
  const env = () => ({ PGTV_STATE_DIR: stateDir });

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'pgtv-verify-cli-state-'));
    // One database for the whole file, borrowed by each verify run as users do with db up.
    const up = await run(['db', 'up', '--detach'], env());
    expect(up.code).toBe(0);
  });
  afterAll(async () => {
    await run(['db', 'down'], env());
    await rm(stateDir, { recursive: true, force: true });
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  it('exits 0 when everything passes, 1 when a snippet fails, and writes the report either way', async () => {
    const good = await project({ 'snippets/a/one.sql': snippet('One row', 'SELECT 1 AS one;'), 'content/01-a/page.mdx': page(['a/one']) });
    const bad = await project({ 'snippets/a/one.sql': snippet('Fails', 'SELECT 1 / 0;'), 'content/01-a/page.mdx': page(['a/one']) });
    roots.push(good, bad);
    const passed = await run(['verify', '--root', good, '--target', primary], env());
    expect(passed.code).toBe(0);
    expect(passed.stderr).toMatch(/snippets: 1 passed, 0 failed/);
    const failed = await run(['verify', '--root', bad, '--target', primary, '--junit', path.join(bad, 'junit.xml')], env());
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/snippets\/a\/one\.sql:8\s+no-error\s+ERROR: division by zero/);
    const report = reportSchema.parse(JSON.parse(await readFile(path.join(bad, 'reports', 'verify.json'), 'utf8')));
    expect(report.snippets[0]).toMatchObject({ name: 'a/one', status: 'failed', targets: { [primary]: { status: 'failed' } } });
    expect(await readFile(path.join(bad, 'junit.xml'), 'utf8')).toMatch(/<failure message="snippets\/a\/one.sql:8: ERROR: division by zero"/);
  });

  it('exits 2 on misuse', async () => {
    expect((await run(['verify', '--only', 'a/*', '--changed'], env())).code).toBe(2);
    expect((await run(['verify', '--target', 'pg15'], env())).code).toBe(2);
    expect((await run(['verify', '--shard', '3/2'], env())).code).toBe(2);
    expect((await run(['verify', '--provider', 'cloud'], env())).code).toBe(2);
    expect((await run(['verify', '--frobnicate'], env())).code).toBe(2);
  });

  it('--only verifies the matching snippets and keeps the other entries of the previous report', async () => {
    const root = await project({
      'snippets/a/one.sql': snippet('One', 'SELECT 1 AS one;'),
      'snippets/b/two.sql': snippet('Two', 'SELECT 2 AS two;'),
      'content/01-a/page.mdx': page(['a/one', 'b/two']),
    });
    roots.push(root);
    expect((await run(['verify', '--root', root, '--target', primary], env())).code).toBe(0);
    const first = reportSchema.parse(JSON.parse(await readFile(path.join(root, 'reports', 'verify.json'), 'utf8')));
    const only = await run(['verify', '--root', root, '--target', primary, '--only', 'b/*'], env());
    expect(only.stderr).toMatch(new RegExp(`verifying 1 snippet\\(s\\) and 0 scenario\\(s\\) on ${primary}: names matching b/\\*`));
    const second = reportSchema.parse(JSON.parse(await readFile(path.join(root, 'reports', 'verify.json'), 'utf8')));
    expect(second.snippets.map((s) => s.name)).toEqual(['a/one', 'b/two']);
    expect(second.snippets[0]).toEqual(first.snippets[0]);
    expect(second.partial).toBe(false);
    expect(second.summary.snippets).toEqual({ passed: 1, failed: 0, skipped: 0 });
  });

  it('--only that matches nothing is a usage error, not a green run', async () => {
    const root = await project({ 'snippets/a/one.sql': snippet('One', 'SELECT 1 AS one;'), 'content/01-a/page.mdx': page(['a/one']) });
    roots.push(root);
    const result = await run(['verify', '--root', root, '--target', primary, '--only', 'nothing/here'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--only 'nothing\/here' matches no snippet or scenario/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('records each target\'s run, and skips a target a snippet does not claim, with its reason', async () => {
    const other = loadTargets().all.find((t) => t.id !== primary)!.id;
    const root = await project({
      'snippets/a/everywhere.sql': snippet('Everywhere', 'SELECT 1 AS one;'),
      'snippets/a/primary-only.sql': snippet('Primary only', 'SELECT 2 AS two;', `-- targets: { only: [${primary}], reason: "a reason given for the test" }\n`),
      'content/01-a/page.mdx': page(['a/everywhere', 'a/primary-only']),
    });
    roots.push(root);
    const result = await run(['verify', '--root', root, '--target', primary, '--target', other], env());
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^${other}: PostgreSQL ${loadTargets().all.find((t) => t.id === other)!.postgresVersion.replace('.', '\\.')}`, 'm'));
    const report = reportSchema.parse(JSON.parse(await readFile(path.join(root, 'reports', 'verify.json'), 'utf8')));
    expect(report.targets.map((t) => t.id)).toEqual([primary, other]);
    const [everywhere, primaryOnly] = report.snippets;
    expect(Object.fromEntries(Object.entries(everywhere.targets).map(([id, run]) => [id, run.status]))).toEqual({ [primary]: 'passed', [other]: 'passed' });
    expect(primaryOnly.status).toBe('passed');
    expect(primaryOnly.targets[other]).toMatchObject({ status: 'skipped', reason: 'not claimed: a reason given for the test' });
    expect(report.targets.find((t) => t.id === other)!.postgres).toBe(loadTargets().all.find((t) => t.id === other)!.postgresVersion);
  });

  it('--changed verifies what changed since the base and the runbooks that embed it', async () => {
    const root = await project({
      'snippets/a/one.sql': snippet('One', 'SELECT 1 AS one;'),
      'snippets/b/two.sql': snippet('Two', 'SELECT 2 AS two;'),
      'content/01-a/page.mdx': page(['a/one']),
      'content/01-b/page.mdx': page(['b/two']),
    });
    roots.push(root);
    await git(root, 'init', '-q', '-b', 'main');
    await git(root, '-c', 'user.email=t@example.test', '-c', 'user.name=t', 'add', '-A');
    await git(root, '-c', 'user.email=t@example.test', '-c', 'user.name=t', 'commit', '-qm', 'base');
    await writeFile(path.join(root, 'snippets/b/two.sql'), snippet('Two, changed', 'SELECT 22 AS two;'));
    const changed = await run(['verify', '--root', root, '--target', primary, '--changed', '--base', 'main'], env());
    expect(changed.code).toBe(0);
    expect(changed.stderr).toMatch(/verifying 1 snippet\(s\)/);
    expect(changed.stderr).toMatch(/✓ snippet b\/two/);
    expect(changed.stderr).not.toMatch(/snippet a\/one/);
  });

  it('stops at Ctrl-C with exit 130, leaving no database of its own on the borrowed server', async () => {
    const root = await project({ 'snippets/a/slow.sql': snippet('Slow', 'SELECT pg_sleep(30);'), 'content/01-a/page.mdx': page(['a/slow']) });
    roots.push(root);
    const started = Date.now();
    const result = await run(['verify', '--root', root, '--target', primary], env(), (line, child) => {
      if (line.startsWith('verifying')) setTimeout(() => child.kill('SIGINT'), 500);
    });
    expect(result.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.stderr).toMatch(/interrupted: nothing was written/);
    const admin = (await run(['db', 'url', '--admin'], env())).stdout.trim();
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname ~ '_[0-9]+_[0-9a-f]{6}$'`);
    const sessions = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'runbooks-verify-%'`);
    await client.end();
    expect(rows).toEqual([]);
    expect(sessions.rows[0].n).toBe(0);
  });
});
