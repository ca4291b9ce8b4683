import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadTargets } from '../../src/config/targets.ts';

/**
 * The GitHub Actions workflows under .github/workflows: checked by actionlint (with shellcheck
 * on their run: scripts), every action pinned by full commit SHA with its version, and the
 * targets they name kept equal to targets.env's. actionlint is installed into
 * ~/.cache/pgtv-runbooks/tools by scripts/install-tools.sh (`runbooks setup` runs it), which
 * this test runs too: it is a no-op when the pinned version is there.
 */

const root = path.resolve(import.meta.dirname, '..', '..');
const workflowsDir = path.join(root, '.github', 'workflows');
const files = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).sort();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Workflow = any;
const workflows: [string, Workflow, string][] = files.map((f) => {
  const text = readFileSync(path.join(workflowsDir, f), 'utf8');
  return [f, parse(text), text];
});

describe('GitHub workflows', () => {
  it('are the pull-request, main and nightly ones', () => {
    expect(files).toEqual(['main.yml', 'nightly.yml', 'pull-request.yml']);
  });

  it('pass actionlint, with no finding', { timeout: 600_000 }, () => {
    const install = spawnSync(path.join(root, 'scripts', 'install-tools.sh'), ['actionlint'], { encoding: 'utf8', timeout: 590_000 });
    expect(install.status, `scripts/install-tools.sh actionlint failed:\n${install.stderr}`).toBe(0);
    const actionlint = install.stdout.trim().split('\n').at(-1)!;
    expect(execFileSync(actionlint, ['--version'], { encoding: 'utf8' })).toMatch(/^v1\.7\.12\n/);
    const result = spawnSync(actionlint, ['-color=false', ...files.map((f) => path.join('.github', 'workflows', f))], { cwd: root, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
    // And it does find things: an unknown expression, and (through shellcheck) an unquoted variable.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgtv-actionlint-'));
    try {
      const broken = path.join(dir, 'broken.yml');
      writeFileSync(broken, 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }} $HOME/$1\n        shell: bash\n');
      const found = spawnSync(actionlint, ['-color=false', broken], { encoding: 'utf8' });
      expect(found.status).toBe(1);
      expect(found.stdout).toMatch(/property "nope" is not defined/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pin every action by its full commit SHA, with the version in a comment', () => {
    for (const [file, , text] of workflows) {
      const uses = [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)];
      expect(uses.length, file).toBeGreaterThan(0);
      for (const [line, action, rest] of uses) {
        expect(action, `${file}: ${line.trim()}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(rest, `${file}: ${line.trim()}`).toMatch(/^\s+# v\d+\.\d+\.\d+$/);
      }
    }
  });

  it('use one SHA per action across the workflows', () => {
    const shas = new Map<string, Set<string>>();
    for (const [, , text] of workflows) {
      for (const [, name, sha] of text.matchAll(/uses:\s*([\w.-]+\/[\w.-]+)(?:\/[\w./-]+)?@([0-9a-f]{40})/g)) {
        shas.set(name, (shas.get(name) ?? new Set()).add(sha));
      }
    }
    for (const [name, set] of shas) expect(set.size, name).toBe(1);
  });

  it('run every job that installs or verifies in Debian 12, whose builds the PostgreSQL packages are', () => {
    for (const [file, workflow] of workflows) {
      for (const [id, job] of Object.entries<Workflow>(workflow.jobs)) {
        if (id === 'deploy') continue; // deploy-pages only publishes the artifact
        expect(job.container, `${file}: job ${id}`).toBe('debian:12');
      }
    }
  });

  it('name the targets of targets.env: the primary one first on pull requests, all of them in main\'s matrix', () => {
    const targets = loadTargets();
    const [, main] = workflows.find(([f]) => f === 'main.yml')!;
    expect(main.jobs.verify.strategy.matrix.target).toEqual(targets.all.map((t) => t.id));
    const [, pr] = workflows.find(([f]) => f === 'pull-request.yml')!;
    const runs: string[] = pr.jobs.verify.steps.map((s: { run?: string }) => s.run ?? '');
    const primary = runs.find((r) => r.includes('verify --changed') && r.includes('--target'))!;
    expect(primary).toContain(`--target ${targets.primary.id} --format github`);
    const others = runs.filter((r) => r.includes('verify --changed')).slice(1).join(' ');
    for (const target of targets.all.slice(1)) expect(others).toContain(`--target ${target.id}`);
  });

  it('lint first on pull requests, then verify --changed, then the strict build, with the summary and artifacts', () => {
    const [, pr] = workflows.find(([f]) => f === 'pull-request.yml')!;
    expect(pr.jobs.verify.needs).toBe('lint');
    const lint: string[] = pr.jobs.lint.steps.map((s: { run?: string }) => s.run ?? '');
    expect(lint.some((r) => r.includes('lint --format github'))).toBe(true);
    const steps: { run?: string; uses?: string; with?: Record<string, string> }[] = pr.jobs.verify.steps;
    const order = (needle: string) => steps.findIndex((s) => (s.run ?? '').includes(needle));
    expect(order('verify --changed')).toBeGreaterThan(order('setup --no-browser'));
    expect(order('site:build')).toBeGreaterThan(order('verify --changed'));
    expect(order('report summary --changed-base')).toBeGreaterThan(order('site:build'));
    expect(steps.find((s) => (s.run ?? '').includes('report summary'))!.run).toContain('$GITHUB_STEP_SUMMARY');
    const uploads = steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@')).map((s) => s.with!.path).join('\n');
    expect(uploads).toContain('reports/verify.json');
    expect(uploads).toContain('reports/junit-');
    expect(uploads).toContain('dist/');
    const caches = steps.filter((s) => s.uses?.startsWith('actions/cache@')).map((s) => `${s.with!.path} ${s.with!.key}`);
    expect(caches).toContainEqual(expect.stringMatching(/^~\/\.npm npm-\$\{\{ hashFiles\('package-lock\.json'\) \}\}/));
    expect(caches).toContainEqual(expect.stringMatching(/^~\/\.cache\/pgtv-runbooks pgtv-\$\{\{ hashFiles\('targets\.env'\) \}\}/));
  });

  it('deploy main to GitHub Pages after merging the shards, and never fail on the nightly run', () => {
    const [, main] = workflows.find(([f]) => f === 'main.yml')!;
    const site: string[] = main.jobs.site.steps.map((s: { run?: string; uses?: string }) => s.run ?? s.uses ?? '');
    expect(site.some((r) => r.includes('report merge shards/r-*.json'))).toBe(true);
    expect(site.some((r) => r.startsWith('actions/configure-pages@'))).toBe(true);
    expect(site.some((r) => r.startsWith('actions/upload-pages-artifact@'))).toBe(true);
    expect(main.jobs.deploy.steps[0].uses).toMatch(/^actions\/deploy-pages@/);
    expect(main.jobs.deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    const [, nightly] = workflows.find(([f]) => f === 'nightly.yml')!;
    expect(nightly.on.schedule).toHaveLength(1);
    const steps: { id?: string; run?: string; 'continue-on-error'?: boolean }[] = nightly.jobs.newest.steps;
    expect(steps.find((s) => s.id === 'verify')!['continue-on-error']).toBe(true);
    expect(steps.find((s) => s.id === 'newest')!.run).toContain('targets --newest');
  });
});
