import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTargets } from '../../src/config/targets.ts';
import { reportSchema } from '../../src/report/schema.ts';

/**
 * The commands of the pull-request workflow (.github/workflows/pull-request.yml), run as the
 * workflow runs them, on a fixture repository whose pull request adds a snippet that breaks a
 * lint rule (squawk's), a snippet that fails when run, and changes a runbook to embed them:
 * lint and verify print annotations at the right files and lines, and the summary says what
 * failed and why, what was verified on which target, and what the run did not cover.
 */

const primary = loadTargets().primary.id;
const cli = path.resolve(import.meta.dirname, '..', '..', 'scripts', 'runbooks.ts');

const header = (title: string, safety = 'read-only') =>
  `-- ---\n-- title: ${title}\n-- description: a snippet of the pull-request test's fixture repository\n-- safety: ${safety}\n-- privileges: [any role]\n-- timeout: 60s\n-- ---\n`;

const page = (names: string[]) => ['---', 'title: Test page', '---', '', ...names.map((n) => `::snippet{name="${n}"}\n`)].join('\n');

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function git(root: string, ...args: string[]) {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['-c', 'user.email=t@example.test', '-c', 'user.name=t', ...args], { cwd: root, stdio: 'ignore' });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')} failed`))));
  });
}

describe('the pull-request path on a fixture repository', () => {
  let root: string;
  let stateDir: string;
  const env = () => ({ PGTV_STATE_DIR: stateDir });

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'pgtv-pr-path-state-'));
    root = await mkdtemp(path.join(os.tmpdir(), 'pgtv-pr-path-'));
    const files: Record<string, string> = {
      'snippets/a/one.sql': `${header('One row')}SELECT 1 AS one;\n`,
      'snippets/a/two.sql': `${header('Two rows')}SELECT 2 AS two;\n`,
      'content/01-a/page.mdx': page(['a/one']),
      'content/01-b/page.mdx': page(['a/two']),
      '.gitignore': 'reports/\n',
    };
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), text);
    }
    await git(root, 'init', '-q', '-b', 'main');
    await git(root, 'add', '-A');
    await git(root, 'commit', '-qm', 'base');
    // The pull request: two new snippets, embedded by a changed runbook.
    await git(root, 'checkout', '-qb', 'add-index-step');
    await mkdir(path.join(root, 'snippets', 'b'), { recursive: true });
    await writeFile(path.join(root, 'snippets/b/add-index.sql'), `${header('Add an index', 'writes')}CREATE INDEX tb_post_title ON tb_post (title);\n`);
    await writeFile(path.join(root, 'snippets/b/ratio.sql'), `${header('A ratio')}SELECT 1 AS ok;\nSELECT 1 / 0 AS ratio;\n`);
    await writeFile(path.join(root, 'content/01-a/page.mdx'), page(['a/one', 'b/add-index', 'b/ratio']));
    await git(root, 'add', '-A');
    await git(root, 'commit', '-qm', 'An index step');
    const up = await run(['db', 'up', '--detach', '--target', primary], root, env());
    expect(up.code, up.stderr).toBe(0);
  });
  afterAll(async () => {
    await run(['db', 'down', '--target', primary], root, env());
    await rm(stateDir, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  });

  it('lint --format github annotates the broken line and fails', async () => {
    const lint = await run(['lint', '--root', root, '--format', 'github'], root, env());
    expect(lint.code).toBe(1);
    const lines = lint.stdout.trim().split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^::error file=snippets\/b\/add-index\.sql,line=8,col=1,title=squawk\/require-concurrent-index-creation::During normal index creation, table updates are blocked.*: no lock_timeout is set before it, and the header's description does not say what it locks%0Afix: /));
    expect(lines).toContainEqual(expect.stringMatching(/^::warning file=snippets\/b\/add-index\.sql,line=8,col=1,title=squawk\/require-lock-timeout::/));
    expect(lines.every((line) => line.startsWith('::'))).toBe(true);
    expect(lint.stderr).toMatch(/lint: 4 snippets, 2 runbooks: 1 error, 1 warning/);
  });

  it('verify --changed --target <primary> --format github annotates what failed, and the summary says why and what was not covered', async () => {
    const junit = path.join(root, 'reports', 'junit.xml');
    const verify = await run(['verify', '--root', root, '--changed', '--base', 'main', '--target', primary, '--format', 'github', '--junit', junit], root, env());
    expect(verify.code).toBe(1);
    // Only the changed runbook's snippets: a/one (embedded by the changed page) and the two new ones.
    expect(verify.stderr).toMatch(/verifying 3 snippet\(s\) and 0 scenario\(s\)/);
    expect(verify.stderr).not.toMatch(/snippet a\/two/);
    const annotations = verify.stdout.trim().split('\n');
    expect(annotations).toEqual([
      expect.stringMatching(new RegExp(`^::error file=snippets/b/add-index\\.sql,line=8,col=1,title=squawk/require-concurrent-index-creation on ${primary}::snippet b/add-index failed on ${primary}: During normal index creation`)),
      expect.stringMatching(new RegExp(`^::error file=snippets/b/ratio\\.sql,line=9,(col=\\d+,)?title=[^:]+ on ${primary}::snippet b/ratio failed on ${primary}: ERROR: {1,2}division by zero`)),
    ]);
    const report = reportSchema.parse(JSON.parse(await readFile(path.join(root, 'reports', 'verify.json'), 'utf8')));
    expect(report.partial).toBe(true);
    expect(report.snippets.map((s) => `${s.name}:${s.status}`)).toEqual(['a/one:passed', 'b/add-index:failed', 'b/ratio:failed']);
    expect(await readFile(junit, 'utf8')).toMatch(/<failure message="snippets\/b\/ratio.sql:9: ERROR: {1,2}division by zero"/);

    const summary = await run(['report', 'summary', '--root', root, '--changed-base', 'main'], root, env());
    expect(summary.code, summary.stderr).toBe(0);
    const text = summary.stdout;
    expect(text).toMatch(/^## ❌ Runbooks verification: 2 failures\n/);
    expect(text).toContain(`| **${primary}** (primary) |`);
    expect(text).toContain(`| snippet \`b/add-index\` | ${primary} | \`snippets/b/add-index.sql:8:1\` | **squawk/require-concurrent-index-creation**: During normal index creation`);
    expect(text).toMatch(new RegExp(`\\| snippet \`b/ratio\` \\| ${primary} \\| \`snippets/b/ratio\\.sql:9(:\\d+)?\` \\| .*division by zero`));
    expect(text).toContain(`|  | ${primary} |`);
    expect(text).toContain('| snippet `a/one` | ✅ |');
    expect(text).toContain('| snippet `b/ratio` | ❌ |');
    expect(text).toContain('`verify --changed` since `main`: 3 changed file(s) since main; it selected 3 snippets and 0 scenarios (changed: `content/01-a/page.mdx`, `snippets/b/add-index.sql`, `snippets/b/ratio.sql`).');
    expect(text).toContain('Not covered: 1 snippet and 0 scenarios have no run on every target of this report');
    expect(text).toContain('snippet `a/two`');
  });
});
