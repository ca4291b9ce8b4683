import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { serveStatic } from '../../scripts/serve.ts';
import { passingReport } from '../site/fixtures/make-report.ts';

/** Building fixture sites, serving them and driving Debian's Chromium, for the browser tests. */

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const FIXTURES = path.join(ROOT, 'tests/site/fixtures');
export const RESULTS = path.join(ROOT, 'test-results');
const ASTRO = path.join(ROOT, 'node_modules/astro/bin/astro.mjs');

/**
 * The environment for Astro child processes: without Vitest's variables (NODE_ENV=test,
 * VITEST…), which make Astro's dev server behave as if it ran under a test runner.
 */
function astroEnvironment(): NodeJS.ProcessEnv {
  const environment = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_ENV' && key !== 'TEST'));
  return { ...environment, ASTRO_TELEMETRY_DISABLED: '1' };
}

export interface AstroRun {
  status: number | null;
  output: string;
  ms: number;
}

/** `astro build` of a fixture site, with the same Node that runs the tests. */
export function buildFixture(name: string): AstroRun {
  return buildSite(path.join(FIXTURES, name));
}

/**
 * The site built from the repository's own content/, snippets/ and targets.env, copied into
 * test-results/site-from-content with a report in which every snippet and scenario passed
 * (tests/site/fixtures/make-report.ts): the real pages, whatever the current reports/verify.json
 * says, so that the browser tests see the real checklist and the real index. It proves layout and
 * behaviour, not verification: `npm run build` is what refuses unverified steps.
 */
export async function buildSiteFromContent(): Promise<{ root: string; run: AstroRun }> {
  const root = path.join(RESULTS, 'site-from-content');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  for (const part of ['content', 'snippets', 'targets.env']) cpSync(path.join(ROOT, part), path.join(root, part), { recursive: true });
  writeFileSync(path.join(root, 'astro.config.mjs'), "import { runbooksSiteConfig } from '../../src/site/astro-config.ts';\n\nexport default runbooksSiteConfig({ root: import.meta.dirname });\n");
  mkdirSync(path.join(root, 'reports'));
  writeFileSync(path.join(root, 'reports', 'verify.json'), `${JSON.stringify(await passingReport(root), null, 2)}\n`);
  return { root, run: buildSite(root) };
}

/**
 * A fixture site copied to a fresh folder under tmp/ (inside the repository, so that the site's
 * packages resolve), with an astro.config.mjs that points at src/site from there: for tests that
 * change the project (its snippets, its report) or build it with other settings. `remove()`
 * deletes the copy.
 */
export function copyFixture(name: string): { root: string; remove: () => void } {
  mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
  const root = mkdtempSync(path.join(ROOT, 'tmp', `${name}-`));
  for (const part of ['content', 'snippets', 'reports', 'targets.env']) cpSync(path.join(FIXTURES, name, part), path.join(root, part), { recursive: true });
  writeFileSync(path.join(root, 'astro.config.mjs'), "import { runbooksSiteConfig } from '../../src/site/astro-config.ts';\n\nexport default runbooksSiteConfig({ root: import.meta.dirname });\n");
  const remove = () => {
    rmSync(root, { recursive: true, force: true });
    try {
      rmdirSync(path.dirname(root)); // tmp/ itself, when nothing else is in it
    } catch {
      // other copies (or other files) are still there
    }
  };
  return { root, remove };
}

/** `astro build` of a site, with the same Node that runs the tests; `silent: false` keeps its log. */
export function buildSite(root: string, options: { env?: NodeJS.ProcessEnv; silent?: boolean } = {}): AstroRun {
  const started = performance.now();
  const args = [ASTRO, 'build', ...(options.silent === false ? [] : ['--silent'])];
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...astroEnvironment(), ...options.env } });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`, ms: performance.now() - started };
}

/** Pages in a PDF as Chromium writes them (one `/Type /Page` object per page). */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}

export async function serve(directory: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = serveStatic(directory);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** axe-core's source, injected into pages as a script. */
export const axeSource: string = createRequire(import.meta.url)('axe-core').source;

/** A TCP port nobody listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `npm run dev -- --root <root>`, as an author starts it (astro dev with the live loop, on the
 * Node flags of package.json's script), in its own process group so that stopping it stops
 * npm, the shell and Astro. Its output is collected in `log()`. Resolves once the server answers.
 */
export async function startNpmDev(root: string, port: number, env: NodeJS.ProcessEnv = {}): Promise<{ origin: string; log: () => string; stop: () => Promise<void> }> {
  const child = spawn('npm', ['run', '--silent', 'dev', '--', '--root', root, '--port', String(port), '--host', '127.0.0.1'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...astroEnvironment(), ...env },
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const origin = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const group = (signal: NodeJS.Signals | 0) => {
    try {
      process.kill(-child.pid!, signal);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  const stop = async () => {
    if (group('SIGTERM')) await exited;
    // npm exits first; Astro (and the verification it may be running) gets a moment to clean up.
    for (let waited = 0; waited < 10_000 && group(0); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    group('SIGKILL');
  };
  for (let attempt = 0; attempt < 240; attempt++) {
    try {
      const response = await fetch(`${origin}/`);
      if (response.ok) return { origin, log: () => output, stop };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`npm run dev exited with ${child.exitCode}:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`npm run dev did not answer within 60 s:\n${output}`);
}

/**
 * `astro dev` on a fixture, in its own process group so that stopping it stops its children.
 * Resolves once the server answers.
 */
export async function startDevServer(name: string, port: number): Promise<{ origin: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [ASTRO, 'dev', '--port', String(port), '--host', '127.0.0.1', '--force'], {
    cwd: path.join(FIXTURES, name),
    detached: true,
    stdio: ['ignore', process.env.RUNBOOKS_DEV_LOG ? 'inherit' : 'ignore', process.env.RUNBOOKS_DEV_LOG ? 'inherit' : 'ignore'],
    env: astroEnvironment(),
  });
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  };
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      const response = await fetch(`${origin}/`);
      if (response.ok) return { origin, stop };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`astro dev exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error('astro dev did not answer within 30 s');
}
