import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findTarget } from '../../src/config/targets.ts';
import { AttachedServer } from '../../src/db/attached.ts';
import { reportSchema, type Report } from '../../src/report/schema.ts';
import { parseSnippet } from '../../src/snippets/snippet.ts';
import { runBashScript } from '../../src/verify/bash-runner.ts';
import { dryRunSnippet, type DryRunContext } from '../../src/verify/dry-run.ts';
import { runPsqlScript } from '../../src/verify/psql-runner.ts';
import { verify } from '../../src/verify/run.ts';

/**
 * Levels 2 and 3 against the real extension, and what happens with bad input: each bad
 * snippet fails with a clear message naming file and line, the others still run, and
 * nothing is left behind.
 */

const source = path.resolve(import.meta.dirname, '..', '..', 'src');

function header(fields: string, comment = '--'): string {
  const lines = ['---', ...fields.trim().split('\n'), '---'];
  return `${lines.map((l) => `${comment} ${l}`.trimEnd()).join('\n')}\n`;
}

const readOnly = (title: string, extra = '') => header(`title: ${title}\ndescription: a snippet written for the verifier's own tests\nsafety: read-only\nprivileges: [any role]\ntimeout: 2s\n${extra}`);

/**
 * A small project laid out like this one: snippets, one runbook embedding them, scenarios;
 * `target` is the target of the server it is verified on, which one snippet and one scenario
 * leave out.
 */
const project = (target: string): Record<string, string> => ({
  'snippets/good/status.sql': `${readOnly('Registered TVIEWs', 'expect:\n  columns: [entity]\n  rows: { min: 3, max: 3 }')}SELECT entity FROM tviews.registry ORDER BY entity;\n`,
  'snippets/good/param.sql': `${header("title: One TVIEW by entity\ndescription: a snippet written for the verifier's own tests\nsafety: read-only\nprivileges: [any role]\nparams:\n  entity:\n    kind: literal\n    description: an entity\n    value: post\nexpect:\n  rows: { min: 1, max: 1 }\n  output: ['tv_post']")}SELECT name FROM tviews.registry WHERE entity = :'entity';\n`,
  'snippets/bad/loops-forever.sql': `${readOnly('Loops forever')}DO $$ BEGIN LOOP PERFORM 1; END LOOP; END $$;\n`,
  'snippets/bad/header.sql': `-- ---\n-- title: x\n-- safety: sometimes\n-- ---\nSELECT 1;\n`,
  'snippets/bad/syntax.sql': `${readOnly('Syntax error')}SELECT entity\n  FRM tviews.registry;\n`,
  'snippets/bad/unknown-function.sql': `${readOnly('Calls the plan function')}SELECT * FROM tviews.pg_tviews_get_queue();\n`,
  'snippets/bad/runtime-error.sql': `${readOnly('Fails at run time')}SELECT 1;\nSELECT 1 / 0;\n`,
  'snippets/bad/same-name.sql': `${readOnly('Same name as the bash one')}SELECT 1;\n`,
  'snippets/bad/same-name.sh': `#!/usr/bin/env bash\n${header("title: Same name as the SQL one\ndescription: a snippet written for the verifier's own tests\nsafety: read-only\nprivileges: [any role]", '#')}echo hi\n`,
  // It would fail if it ran: its claim leaves this server's target out, so it must not run.
  'snippets/good/elsewhere.sql': `${readOnly('Not for this target', `targets: { except: [${target}], reason: "a reason given for the verifier's tests" }`)}SELECT 1 / 0;\n`,
  'content/01-test/page.mdx': [
    '---', 'title: Test page', '---', '', '## Procedure', '',
    ...['good/status', 'good/param', 'bad/loops-forever', 'bad/header', 'bad/syntax', 'bad/unknown-function', 'bad/runtime-error', 'bad/same-name', 'bad/missing', 'good/elsewhere'].map((n) => `::snippet{name="${n}"}\n`),
  ].join('\n'),
  'scenarios/01-test/passes.scenario.ts': `import assert from 'node:assert/strict';
import { defineScenario } from '${source}/verify/scenario.ts';
export default defineScenario({
  title: 'The fixture has three TVIEWs',
  runbook: '01-test/page',
  async run(t) {
    await t.step('count them', async () => {
      assert.equal(t.target.id, '${target}');
      const { rows } = await t.snippet('good/status');
      assert.deepEqual(rows.map((r) => r.entity), ['comment', 'post', 'user']);
    });
  },
});
`,
  'scenarios/01-test/elsewhere.scenario.ts': `import assert from 'node:assert/strict';
import { defineScenario } from '${source}/verify/scenario.ts';
export default defineScenario({
  title: 'Not for this target',
  runbook: '01-test/page',
  targets: { except: ['${target}'], reason: "a reason given for the verifier's tests" },
  async run() {
    assert.fail('ran on a target its claim leaves out');
  },
});
`,
  'scenarios/01-test/fails.scenario.ts': `import assert from 'node:assert/strict';
import { defineScenario } from '${source}/verify/scenario.ts';
export default defineScenario({
  title: 'An assertion that does not hold',
  runbook: '01-test/page',
  async run(t) {
    await t.step('expect four TVIEWs', async () => {
      const { rows } = await t.snippet('good/status');
      assert.equal(rows.length, 4);
    });
  },
});
`,
});

async function writeProject(root: string, target: string): Promise<void> {
  for (const [file, text] of Object.entries(project(target))) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
}

async function databases(adminUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1')).rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

async function activity(adminUrl: string, prefix: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE $1 || '%'`, [prefix]);
    return rows[0].n;
  } finally {
    await client.end();
  }
}

describe('runbooks verify on a project with good and bad snippets', () => {
  let root: string;
  let report: Report;
  let before: string[];
  const server = () => new AttachedServer(inject('server'));
  const target = inject('server').target;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pgtv-verify-project-'));
    await writeProject(root, target);
    const info = inject('server');
    before = await databases(info.adminUrl);
    const attached = server();
    report = await verify({ root, server: attached, reportFile: path.join(root, 'reports', 'verify.json'), junitFile: path.join(root, 'reports', 'junit.xml'), progress: () => undefined });
    await attached.close();
  }, 120_000);

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const entry = (name: string) => report.snippets.find((s) => s.name === name)!;
  /** The snippet's run on the server's target: a `server` run covers that target only. */
  const run = (name: string) => entry(name).targets[target];

  it('writes a report that validates against its schema, and JUnit XML', async () => {
    const written = JSON.parse(await readFile(path.join(root, 'reports', 'verify.json'), 'utf8'));
    expect(() => reportSchema.parse(written)).not.toThrow();
    expect(written.schemaVersion).toBe(2);
    const { postgresVersion, pgTviewsVersion } = findTarget(target);
    expect(written.targets).toMatchObject([{ id: target, postgres: postgresVersion, pgTviews: pgTviewsVersion, provider: 'local' }]);
    // Ten files, nine names: the report has one entry per name (bad/same-name is .sql and .sh).
    expect(written.snippets.map((s: Report['snippets'][number]) => s.name)).toHaveLength(9);
    expect(written.targets[0].summary.snippets).toEqual({ passed: 2, failed: 6, skipped: 1 });
    expect(written.snippets.every((s: Report['snippets'][number]) => Object.keys(s.targets).join() === target)).toBe(true);
    const junit = await readFile(path.join(root, 'reports', 'junit.xml'), 'utf8');
    expect(junit).toMatch(new RegExp(`<testsuite name="snippets on ${target}" tests="9" failures="6" skipped="1"`));
    expect(junit).toMatch(new RegExp(`<testsuite name="scenarios on ${target}" tests="3" failures="1" skipped="1"`));
  });

  it('passes the good snippets, with their results and derived safety', () => {
    expect(entry('good/status')).toMatchObject({ status: 'passed', derivedSafety: { class: 'read-only', nonTransactional: false } });
    expect(run('good/status')).toMatchObject({ status: 'passed', isolation: 'read-only-transaction' });
    expect(run('good/status').results?.at(-1)?.rows).toEqual([['comment'], ['post'], ['user']]);
    expect(entry('good/param')).toMatchObject({ status: 'passed' });
    expect(run('good/param').output).toContain('tv_post');
  });

  it('skips a snippet whose claim leaves the target out, with the claim\'s reason', () => {
    expect(entry('good/elsewhere').status).toBe('skipped');
    expect(run('good/elsewhere')).toEqual({ status: 'skipped', reason: "not claimed: a reason given for the verifier's tests", checks: [], durationMs: 0 });
  });

  it('stops a snippet that loops forever at its timeout, naming the line', () => {
    expect(entry('bad/loops-forever').status).toBe('failed');
    expect(run('bad/loops-forever')).toMatchObject({ status: 'failed', error: { file: 'snippets/bad/loops-forever.sql', line: 8, message: expect.stringMatching(/statement timeout/) } });
  });

  it('reports lint errors with file, line and rule, and does not run those snippets', () => {
    expect(run('bad/header').error).toMatchObject({ file: 'snippets/bad/header.sql', rule: 'header', line: 2 });
    expect(run('bad/syntax').error).toMatchObject({ file: 'snippets/bad/syntax.sql', rule: 'sql-syntax', line: 9 });
    expect(run('bad/unknown-function').error).toMatchObject({ rule: 'api-function', message: expect.stringMatching(/pg_tviews_get_queue/) });
    expect(run('bad/unknown-function').checks).toContainEqual({ name: 'dry-run', status: 'skipped', message: 'not run: fix the lint errors first' });
    expect(run('bad/same-name').error).toMatchObject({ rule: 'duplicate-name' });
    for (const name of ['bad/header', 'bad/syntax', 'bad/unknown-function', 'bad/same-name']) expect(entry(name).status).toBe('failed');
  });

  it('reports a run-time error at the line of the failing statement', () => {
    expect(run('bad/runtime-error')).toMatchObject({ status: 'failed', error: { line: 9, message: 'ERROR: division by zero' } });
  });

  it('reports a runbook reference to a snippet that does not exist as a problem of the runbook', () => {
    expect(report.problems).toContainEqual(expect.objectContaining({ file: 'content/01-test/page.mdx', rule: 'unresolved-reference', line: 23, message: expect.stringMatching(/no snippet named 'bad\/missing'/) }));
  });

  it('runs the scenarios: one passes (seeing its target), the failing one names its step and line', () => {
    const passes = report.scenarios.find((s) => s.name === '01-test/passes')!;
    const fails = report.scenarios.find((s) => s.name === '01-test/fails')!;
    expect(passes).toMatchObject({ status: 'passed', runbook: '01-test/page', snippets: ['good/status'] });
    expect(passes.targets[target]).toMatchObject({ status: 'passed', steps: [{ description: 'count them', status: 'passed' }] });
    expect(fails.status).toBe('failed');
    expect(fails.targets[target]).toMatchObject({ status: 'failed', steps: [{ description: 'expect four TVIEWs', status: 'failed' }] });
    expect(fails.targets[target].error).toMatchObject({ file: 'scenarios/01-test/fails.scenario.ts', line: 9 });
  });

  it('skips a scenario whose claim leaves the target out, with the claim\'s reason', () => {
    const elsewhere = report.scenarios.find((s) => s.name === '01-test/elsewhere')!;
    expect(elsewhere.status).toBe('skipped');
    expect(elsewhere.targets[target]).toEqual({ status: 'skipped', reason: "not claimed: a reason given for the verifier's tests", steps: [], durationMs: 0 });
  });

  it('leaves no database, session or prepared transaction behind', async () => {
    const info = inject('server');
    const after = await databases(info.adminUrl);
    // Other test files create their own clones meanwhile; none of ours may remain.
    expect(after.filter((d) => d.includes('dry_run_shared') || d.includes('loops_forever') || d.includes('passes') || d.includes('fails'))).toEqual([]);
    expect(after.filter((d) => !before.includes(d) && !d.includes('_t_'))).toEqual([]);
    expect(await activity(info.adminUrl, 'runbooks-verify-')).toBe(0);
    expect(await activity(info.adminUrl, 'runbooks-scenario-')).toBe(0);
  });
});

describe('dry-run isolation', () => {
  let context: DryRunContext;
  let attached: AttachedServer;
  beforeAll(async () => {
    attached = new AttachedServer(inject('server'));
    context = { server: attached, sharedDatabase: await attached.createScratch('isolation'), runId: 'iso', scratchDir: await mkdtemp(path.join(os.tmpdir(), 'pgtv-isolation-tests-')) };
  });
  afterAll(async () => {
    await attached.close();
    await rm(context.scratchDir, { recursive: true, force: true });
  });

  const snippet = (text: string, name = 'test/snippet.sql') => parseSnippet(text, path.join('/project/snippets', name), { projectRoot: '/project', snippetsRoot: '/project/snippets' });

  it('runs a read-only snippet in a READ ONLY transaction: a write in it fails', async () => {
    const outcome = await dryRunSnippet(snippet(`${readOnly('Writes although declared read-only')}UPDATE tb_user SET name = 'x' WHERE pk_user = 1;\n`), undefined, context);
    expect(outcome.isolation).toBe('read-only-transaction');
    expect(outcome.error?.message).toMatch(/cannot execute UPDATE in a read-only transaction/);
  });

  it('rolls back a writes snippet, so its change is not kept', async () => {
    const url = attached.url(context.sharedDatabase);
    const run = await runPsqlScript(`UPDATE tb_user SET name = 'rolled back' WHERE pk_user = 1;\n`, { databaseUrl: url, binDir: attached.info.binDir, params: {}, wrap: 'rollback', timeoutMs: 5000, applicationName: 'iso-test' });
    expect(run.error).toBeUndefined();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(`SELECT name FROM tb_user WHERE pk_user = 1`);
    await client.end();
    expect(rows[0].name).not.toBe('rolled back');
  });

  it('times out a snippet that waits on a lock another session holds, and the lock holder is unaffected', async () => {
    const url = attached.url(context.sharedDatabase);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE tv_post IN ACCESS EXCLUSIVE MODE');
      const outcome = await dryRunSnippet(snippet(`${readOnly('Reads a locked table')}SELECT count(*) FROM tv_post;\n`), undefined, context);
      expect(outcome.error?.message).toMatch(/statement timeout/);
      expect((await holder.query('SELECT 1 AS ok')).rows[0].ok).toBe(1);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('rolls back a prepared transaction a destructive snippet leaves, and fails the snippet for it', async () => {
    const text = `${header("title: Leaves a prepared transaction\ndescription: a snippet written for the verifier's own tests\nsafety: destructive\nchanges: prepares a transaction and leaves it\nundo: the verifier rolls it back\nprivileges: [superuser]")}BEGIN;\nUPDATE tb_user SET name = 'prepared' WHERE pk_user = 2;\nPREPARE TRANSACTION 'left-behind';\n`;
    const outcome = await dryRunSnippet(snippet(text), undefined, context);
    expect(outcome.isolation).toBe('disposable-database');
    expect(outcome.checks).toContainEqual({ name: 'nothing-left-behind', status: 'failed', message: 'left prepared transactions left-behind (rolled back by the verifier)' });
    const client = new pg.Client({ connectionString: inject('server').adminUrl });
    await client.connect();
    const { rows } = await client.query(`SELECT gid FROM pg_prepared_xacts`);
    await client.end();
    expect(rows).toEqual([]);
  });
});

describe('the bash sandbox', () => {
  const dir = path.join(os.tmpdir(), `pgtv-bash-tests-${process.pid}`);
  beforeAll(async () => mkdir(dir, { recursive: true }));
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const script = async (name: string, body: string) => {
    const file = path.join(dir, name);
    await writeFile(file, `#!/usr/bin/env bash\n${body}\n`);
    return file;
  };
  const sandboxes = () => readdirSync(dir).filter((e) => e.startsWith('sandbox-'));
  const running = (pattern: string) => {
    try {
      return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };

  it('records mail, curl and crontab calls instead of making them, and points PG* at the database', async () => {
    const file = await script('effects.sh', 'echo "body" | mail -s "alert" ops@example.test\ncurl -fsS https://example.test/hook\ncrontab -l\npsql -XAtc "SELECT count(*) FROM tv_user"\ncommand -v psql');
    const before = sandboxes();
    const run = await runBashScript(file, { args: [], databaseUrl: inject('server').fixtureUrl, binDir: inject('server').binDir, timeoutMs: 10_000, applicationName: 'bash-test', scratchDir: dir });
    expect(run.exitCode).toBe(0);
    // The server's own psql, not whichever the system has.
    expect(run.stdout.trim().split('\n')).toEqual(['1000', path.join(inject('server').binDir, 'psql')]);
    expect(run.stubCalls).toEqual([
      { command: 'mail', args: ['-s', 'alert', 'ops@example.test'], stdin: 'body\n' },
      { command: 'curl', args: ['-fsS', 'https://example.test/hook'], stdin: '' },
      { command: 'crontab', args: ['-l'], stdin: '' },
    ]);
    expect(sandboxes()).toEqual(before);
  });

  it('records calls made at once in a pipeline as separate calls', async () => {
    const file = await script('pipeline.sh', "{ crontab -l 2>/dev/null | grep -v monitor || true; echo '*/5 * * * * monitor --once'; } | crontab -");
    const run = await runBashScript(file, { args: [], databaseUrl: inject('server').fixtureUrl, binDir: inject('server').binDir, timeoutMs: 10_000, applicationName: 'bash-test', scratchDir: dir });
    expect(run.exitCode).toBe(0);
    expect(run.stubCalls).toHaveLength(2);
    expect(run.stubCalls).toContainEqual({ command: 'crontab', args: ['-l'], stdin: '' });
    expect(run.stubCalls).toContainEqual({ command: 'crontab', args: ['-'], stdin: '*/5 * * * * monitor --once\n' });
  });

  it('kills a script that runs past its timeout together with the children it forked', async () => {
    const marker = `pgtv-forked-${process.pid}`;
    const file = await script('forks.sh', `bash -c 'exec -a ${marker} sleep 300' &\nbash -c 'exec -a ${marker} sleep 300' &\nwhile true; do sleep 1; done`);
    const run = await runBashScript(file, { args: [], databaseUrl: inject('server').fixtureUrl, binDir: inject('server').binDir, timeoutMs: 1500, applicationName: 'bash-test', scratchDir: dir });
    expect(run.timedOut).toBe(true);
    expect(running(marker)).toBe(0);
  });

  it('kills children a script leaves running when it exits normally', async () => {
    const marker = `pgtv-orphan-${process.pid}`;
    const file = await script('leaves.sh', `bash -c 'exec -a ${marker} sleep 300' &\necho started`);
    const run = await runBashScript(file, { args: [], databaseUrl: inject('server').fixtureUrl, binDir: inject('server').binDir, timeoutMs: 10_000, applicationName: 'bash-test', scratchDir: dir });
    expect(run).toMatchObject({ exitCode: 0, timedOut: false });
    expect(run.stdout).toBe('started\n');
    expect(running(marker)).toBe(0);
    expect(existsSync(dir)).toBe(true);
  });
});
