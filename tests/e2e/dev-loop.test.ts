import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTargets } from '../../src/config/targets.ts';
import { copyFixture, FIXTURES, freePort, launchChromium, ROOT, startNpmDev } from './harness.ts';

/**
 * The author's live loop, for real: `npm run dev` on a copy of the `verified` fixture, a page
 * open in Debian's Chromium, and the snippet file edited as an editor saves it. Its badge must
 * change in place (the page is never reloaded: a marker set on `window` survives, and so does a
 * parameter typed into the page): lint errors at once, and without a `runbooks db up` server
 * the page says so; with one (its own PGTV_STATE_DIR), a failing query turns the badge to
 * failed, and the fix back to verified.
 */

const RUNBOOK = '/01-health-monitoring/tview-health-check/';
// Claimed for the fixture's primary target only, so verifying it there is all "verified" takes.
const SNIPPET = 'health/io-bytes';
const targetsFile = path.join(FIXTURES, 'verified', 'targets.env');
const primary = parseTargets(readFileSync(targetsFile, 'utf8'), targetsFile).primary.id;
const cli = path.join(ROOT, 'scripts', 'runbooks.ts');

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--liftoff-only', cli, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('npm run dev', () => {
  let project: ReturnType<typeof copyFixture> | undefined;
  let stateDir: string | undefined;
  let dev: Awaited<ReturnType<typeof startNpmDev>> | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let file: string;
  let original: string;

  beforeAll(async () => {
    project = copyFixture('verified');
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'pgtv-dev-loop-state-'));
    file = path.join(project.root, 'snippets', `${SNIPPET}.sql`);
    original = readFileSync(file, 'utf8');
    dev = await startNpmDev(project.root, await freePort(), { PGTV_STATE_DIR: stateDir });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${dev.origin}${RUNBOOK}`);
    // A fresh project's first visit makes Vite optimise the page's dependencies and reload it
    // once: mark the page only when it has stopped doing that.
    for (let attempt = 0; ; attempt++) {
      await page.waitForLoadState('networkidle');
      const marked = await page.evaluate(() => Object.assign(window, { __notReloaded: true }) && true).catch(() => false);
      await page.waitForTimeout(1500);
      if (marked && (await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded).catch(() => false))) break;
      if (attempt === 5) throw new Error('the page kept reloading');
    }
    await page.fill('#rb-param-entity', 'comment');
  });

  afterAll(async () => {
    // Each step on its own: one failing must not leave the others' servers or folders behind.
    await browser?.close().catch(() => undefined);
    await dev?.stop().catch(() => undefined);
    if (stateDir) await runCli(['db', 'down', '--target', primary], { PGTV_STATE_DIR: stateDir });
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    project?.remove();
  });

  const figure = () => page.locator(`figure[data-snippet="${SNIPPET}"]`);

  /** Saves the snippet and waits until its block shows `status` with `text`; the time it took, in ms. */
  async function save(text: string, status: string, shows: RegExp): Promise<number> {
    const started = performance.now();
    writeFileSync(file, text);
    await expect.poll(async () => `${await figure().getAttribute('data-status')} ${await figure().textContent()}`, { timeout: 30_000, interval: 50 }).toMatch(new RegExp(`^${status} [^]*${shows.source}`));
    return performance.now() - started;
  }

  async function stillTheSamePage(): Promise<void> {
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
    expect(await page.inputValue('#rb-param-entity')).toBe('comment');
    // And still filled into the code of the page's other snippets.
    expect(await page.locator('figure[data-snippet="health/tview-status"] code[data-command]').textContent()).toMatch(/-v '?entity=comment/);
  }

  it('shows lint errors on the badge at once, and says no `runbooks db up` server runs', { timeout: 60_000 }, async () => {
    expect(await figure().getAttribute('data-status')).toBe('verified');
    const ms = await save(original.replace('FROM pg_stat_io', "FROM pg_stat_io WHERE backend_type = :'kind'"), 'failed', /lint: snippets\/health\/io-bytes\.sql:\d+:\d+ parameter-declaration: variable kind is not declared/);
    await expect.poll(() => figure().locator('.rb-snippet__live').textContent()).toMatch(new RegExp(`^Lint: 1 error\\. Not verified: no runbooks db up server runs for ${primary}`));
    console.info(`dev loop: saved → lint error on the badge in ${Math.round(ms)} ms`);
    expect(dev!.log()).toContain(`not verified: no \`runbooks db up\` server runs for ${primary}`);
    await stillTheSamePage();
  });

  it('verifies each save against the running `runbooks db up` server: failed, then verified', { timeout: 180_000 }, async () => {
    const up = await runCli(['db', 'up', '--detach', '--target', primary], { PGTV_STATE_DIR: stateDir });
    expect(up.code, up.output).toBe(0);

    const failing = await save(original.replace('FROM pg_stat_io', 'FROM pg_stat_io WHERE 1 / 0 = 1'), 'failed', new RegExp(`verification failed on ${primary} \\(PostgreSQL [\\d.]+\\): ERROR: +division by zero`));
    expect(await figure().locator('.rb-snippet__live').textContent()).toMatch(new RegExp(`^Lint: no errors\\. Ran on ${primary} at [\\d:]+ \\([\\d.]+ s\\): failed\\.$`));
    const fixed = await save(original, 'verified', /Verified on PostgreSQL 18/);
    expect(await figure().locator('.rb-snippet__live').textContent()).toMatch(new RegExp(`Ran on ${primary} at [\\d:]+ \\([\\d.]+ s\\): passed\\.$`));
    console.info(`dev loop: saved → badge verified-failed in ${Math.round(failing)} ms, fixed → verified in ${Math.round(fixed)} ms`);
    await stillTheSamePage();

    // The report got the result, and a reload (or another reader) sees it too.
    const report = JSON.parse(readFileSync(path.join(project!.root, 'reports', 'verify.json'), 'utf8'));
    expect(report.snippets.find((entry: { name: string }) => entry.name === SNIPPET).targets[primary].status).toBe('passed');
    const html = await (await fetch(`${dev!.origin}${RUNBOOK}`)).text();
    expect(html).toMatch(new RegExp(`data-snippet="${SNIPPET}" data-status="verified"`));
  });
});
