import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
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

/** `astro build` of a fixture site, with the same Node that runs the tests. */
function buildSite(root: string): AstroRun {
  const started = performance.now();
  const result = spawnSync(process.execPath, [ASTRO, 'build', '--silent'], { cwd: root, encoding: 'utf8', env: astroEnvironment() });
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
