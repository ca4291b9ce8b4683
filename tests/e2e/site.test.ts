import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLine, fillSqlParameters } from '../../src/snippets/params.ts';
import { parseSnippet } from '../../src/snippets/snippet.ts';
import { snippetBody } from '../../src/site/render/snippet-body.ts';
import { axeSource, buildFixture, FIXTURES, launchChromium, RESULTS, serve } from './harness.ts';

/**
 * The built `verified` fixture site in Debian's Chromium: what an engineer does at 3 a.m.
 * (find the runbook from a symptom, fill in a value, copy), and what must hold on every page
 * (no console errors, no serious accessibility violation, works without JavaScript, offline).
 */

const SITE = path.join(FIXTURES, 'verified');
const RUNBOOK = '/01-health-monitoring/tview-health-check/';
const INCIDENT = '/04-incident-response/stuck-prepared-transaction/';
const CHECKLIST = '/04-incident-response/incident-checklist/';
const PAGES = ['/', RUNBOOK, INCIDENT, CHECKLIST, '/about/', '/report/', '/404.html'];
const HOSTILE = 'post"; DROP TABLE tb_user; --';

let browser: Browser;
let server: Awaited<ReturnType<typeof serve>>;
let origin: string;
/** Console errors, page errors and requests to other origins, per page, across all tests. */
const troubles: string[] = [];

function snippetText(name: string): { body: string; file: string } {
  const file = path.join(SITE, 'snippets', `${name}.sql`);
  const snippet = parseSnippet(readFileSync(file, 'utf8'), file, { projectRoot: SITE, snippetsRoot: path.join(SITE, 'snippets') });
  return { body: snippetBody(snippet), file: snippet.relativeFile };
}

async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...options });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') troubles.push(`${page.url()}: console: ${message.text()}`);
  });
  page.on('pageerror', (error) => troubles.push(`${page.url()}: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) troubles.push(`${page.url()}: request to ${request.url()}`);
  });
  return { context, page };
}

beforeAll(async () => {
  const build = buildFixture('verified');
  if (build.status !== 0) throw new Error(`building the fixture site failed:\n${build.output}`);
  server = await serve(path.join(SITE, 'dist'));
  origin = server.origin;
  browser = await launchChromium();
  mkdirSync(RESULTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('finding the runbook', () => {
  it('goes from a symptom on the home page to the step to start from', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/`);
    await page.getByRole('link', { name: 'A TVIEW shows old data' }).click();
    await page.waitForURL(`${origin}${RUNBOOK}#compare-the-tview-with-its-view`);
    expect(await page.locator('h1').textContent()).toBe('TVIEW health check');
    await expect.poll(() => page.evaluate(() => document.getElementById('compare-the-tview-with-its-view')!.getBoundingClientRect().top)).toBeLessThan(300);
    await context.close();
  });

  it('lists each runbook with when to use it, and each script with where a runbook embeds it', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/`);
    const runbook = page.locator('.rb-runbook-list > li', { has: page.getByRole('link', { name: 'TVIEW health check' }) });
    expect(await runbook.locator('.rb-when').textContent()).toBe('When to use: A TVIEW may be out of date, or as a regular check.');
    expect(await page.locator('.rb-runbook-list > li').count()).toBe(3);
    const script = page.locator('.rb-script-list > li');
    expect(await script.count()).toBe(1);
    expect(await script.locator('> code').textContent()).toBe('scripts/prepared-count.sql');
    expect(await script.locator('.rb-script-list__meta').textContent()).toBe('Verified on PostgreSQL 18.6, 17.11 and 16.15 with pg_tviews 0.1.0-beta.34, 2026-11-30');
    await script.getByRole('link', { name: 'TVIEW health check, “Count prepared transactions”' }).click();
    await page.waitForURL(`${origin}${RUNBOOK}#count-prepared-transactions`);
    expect(await page.locator('figure[data-snippet="scripts/prepared-count"]').isVisible()).toBe(true);
    await context.close();
  });

  it('navigates by the sidebar and back home', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/about/`);
    await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'A prepared transaction will not go away' }).click();
    await page.waitForURL(`${origin}${INCIDENT}`);
    await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'I have an incident' }).click();
    await page.waitForURL(`${origin}/`);
    expect(await page.getByRole('heading', { level: 2, name: 'I have an incident' }).count()).toBe(1);
    await context.close();
  });

  it('finds a runbook by a word that only its symptoms use', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}${RUNBOOK}`);
    await page.getByRole('button', { name: 'Search' }).click();
    const input = page.locator('#rb-search input');
    await input.waitFor();
    await input.fill('pg_locks');
    const result = page.locator('.pagefind-ui__result-link').first();
    await result.waitFor({ timeout: 15_000 });
    expect(await result.textContent()).toBe('A prepared transaction will not go away');
    await result.click();
    await page.waitForURL(new RegExp(INCIDENT));
    await context.close();
  });

  it('answers an unknown address with 404 and a way back to the symptom index', async () => {
    const { context, page } = await newPage();
    const response = await page.goto(`${origin}/01-health-monitoring/renamed-runbook/`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    await page.locator('main').getByRole('link', { name: 'I have an incident' }).click();
    await page.waitForURL(`${origin}/`);
    await context.close();
  });
});

describe('what the site says it was verified on', () => {
  it('names the pg_tviews release and every PostgreSQL version on the home page', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/`);
    expect(await page.locator('.rb-lead').textContent()).toBe(
      'Every step on this site was verified on PostgreSQL 18.6, 17.11 and 16.15 with pg_tviews 0.1.0-beta.34, 2026-11-30. A step meant for only some of these versions says which.',
    );
    await page.locator('.rb-lead a').click();
    await page.waitForURL(`${origin}/report/`);
    await context.close();
  });

  it('shows the report as snippets and scenarios by target, each cell in words, each run in detail', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/report/`);
    const snippets = page.getByRole('table', { name: 'Snippets by target' });
    const heads = await snippets.locator('thead th[scope="col"]').allTextContents();
    expect(heads).toEqual([
      'Snippet and its status on this site',
      'pg18 (primary)PostgreSQL 18.6pg_tviews 0.1.0-beta.34local provider6 passed, 0 failed, 0 skipped2.7 s in all',
      'pg17PostgreSQL 17.11pg_tviews 0.1.0-beta.34local provider5 passed, 0 failed, 1 skipped2.6 s in all',
      'pg16PostgreSQL 16.15pg_tviews 0.1.0-beta.34local provider5 passed, 0 failed, 1 skipped2.6 s in all',
    ]);
    const row = snippets.locator('tr', { has: page.locator('th[scope="row"]', { hasText: 'health/io-bytes' }) });
    const reason = 'not claimed: pg_stat_io counts bytes (read_bytes, write_bytes) only from PostgreSQL 18 on; before, it counted operations of op_bytes each';
    expect(await row.locator('th').textContent()).toBe('health/io-bytesVerified');
    expect(await row.locator('td').allTextContents()).toEqual(['✓ passed', `– ${reason}`, `– ${reason}`]);
    expect(await page.getByRole('table', { name: 'Scenarios by target' }).locator('tbody tr').count()).toBe(2);

    // A cell leads to that target's run: its checks and output open on demand.
    await snippets.locator('tr', { has: page.locator('th', { hasText: 'health/tview-status' }) }).locator('td').nth(1).getByRole('link').click();
    await page.waitForURL(`${origin}/report/#snippet--health--tview-status--pg17`);
    const run = page.locator('#snippet--health--tview-status--pg17');
    expect(await run.locator('summary').first().textContent()).toBe('✓ pg17, PostgreSQL 17.11 with pg_tviews 0.1.0-beta.34: passed, 42 ms');
    await run.locator('summary').first().click();
    expect(await run.getByText('dry-run: passed').isVisible()).toBe(true);
    await context.close();
  });
});

describe('a runbook page', () => {
  it('copies exactly the snippet text', async () => {
    const { context, page } = await newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await page.goto(`${origin}${RUNBOOK}`);
    const figure = page.locator('figure[data-snippet="health/tview-status"]');
    await figure.getByRole('button', { name: 'Copy SQL' }).click();
    await expect.poll(() => figure.locator('[role="status"]').textContent()).toBe('Code copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippetText('health/tview-status').body);
    await context.close();
  });

  it('fills a hostile value in, quoted as a literal and as an identifier, and copies it that way', async () => {
    const { context, page } = await newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await page.goto(`${origin}${RUNBOOK}`);
    expect(await page.getByText('Filling in needs JavaScript').isVisible()).toBe(false);
    await page.getByLabel(/^entity/).fill(HOSTILE);
    await page.getByLabel(/^tview/).fill(HOSTILE);
    const figure = page.locator('figure[data-snippet="health/tview-status"]');
    const { body, file } = snippetText('health/tview-status');
    const expected = fillSqlParameters(body, { entity: HOSTILE, tview: HOSTILE });
    expect(expected).toContain(`'post"; DROP TABLE tb_user; --'`);
    expect(expected).toContain(`"post""; DROP TABLE tb_user; --"`);
    expect(await figure.locator('pre code').textContent()).toBe(expected);

    await figure.getByRole('button', { name: 'Copy SQL' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
    await figure.getByRole('button', { name: 'Copy psql command' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(commandLine('sql', file, { entity: HOSTILE, tview: HOSTILE }));

    // Emptying the input puts the psql variable back.
    await page.getByLabel(/^entity/).fill('');
    expect(await figure.locator('.rb-param[data-param="entity"]').textContent()).toBe(":'entity'");
    // Values never leave the page: not in the URL, not in storage.
    expect(page.url()).toBe(`${origin}${RUNBOOK}`);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain('DROP TABLE');
    await context.close();
  });

  it('shows snippet text that looks like markup as text and runs none of it', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}${RUNBOOK}`);
    const code = page.locator('figure[data-snippet="health/probe-markup"] pre code');
    expect(await code.textContent()).toBe(snippetText('health/probe-markup').body);
    expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
    expect(await page.locator('figure[data-snippet="health/probe-markup"] script, figure[data-snippet="health/probe-markup"] img').count()).toBe(0);
    await context.close();
  });

  it('gives every snippet a safety badge and a verification badge naming its targets, linked to its report entry', async () => {
    const { context, page } = await newPage();
    for (const path of [RUNBOOK, INCIDENT]) {
      await page.goto(`${origin}${path}`);
      const figures = page.locator('figure.rb-snippet');
      expect(await figures.count()).toBeGreaterThan(0);
      for (const figure of await figures.all()) {
        const name = await figure.getAttribute('data-snippet');
        expect(await figure.locator('.rb-badge--read-only, .rb-badge--writes, .rb-badge--destructive').count()).toBe(1);
        const badge = figure.locator('a.rb-badge--verified');
        const targets = name === 'health/io-bytes' ? 'PostgreSQL 18.6' : 'PostgreSQL 18.6, 17.11 and 16.15';
        expect(await badge.textContent()).toBe(`✔ Verified on ${targets} with pg_tviews 0.1.0-beta.34, 2026-11-30`);
        const href = (await badge.getAttribute('href'))!;
        expect(href).toBe(`/report/#snippet--${name!.replaceAll('/', '--')}`);
      }
    }
    await page.locator('figure[data-snippet="queue/commit-prepared"] a.rb-badge--verified').click();
    await page.waitForURL(`${origin}/report/#snippet--queue--commit-prepared`);
    const entry = page.locator('#snippet--queue--commit-prepared');
    expect(await entry.locator('h3').textContent()).toContain('queue/commit-prepared');
    expect(await entry.textContent()).toContain('Used in04-incident-response/stuck-prepared-transaction');
    await context.close();
  });

  it('says which targets a snippet is not for, and why', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}${RUNBOOK}`);
    expect(await page.locator('figure[data-snippet="health/io-bytes"] .rb-snippet__scope').textContent()).toBe(
      'Not for PostgreSQL 17 or 16: pg_stat_io counts bytes (read_bytes, write_bytes) only from PostgreSQL 18 on; before, it counted operations of op_bytes each.',
    );
    await context.close();
  });

  it('is usable from the keyboard: tab to an input, type, tab to a copy button, press Enter', async () => {
    const { context, page } = await newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await page.goto(`${origin}${INCIDENT}`);
    const focusOn = async (matches: (element: Element) => boolean, describe: string) => {
      for (let tabs = 0; tabs < 80; tabs++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(`(${matches.toString()})(document.activeElement)`)) return;
      }
      throw new Error(`Tab never reached ${describe}`);
    };
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to content');
    await focusOn((element) => element.id === 'rb-param-gid', 'the gid input');
    await page.keyboard.type("gid'1");
    await focusOn((element) => element.textContent === 'Copy SQL' && element.closest('figure')?.getAttribute('data-snippet') === 'queue/commit-prepared', 'Copy SQL');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("COMMIT PREPARED 'gid''1';");
    await context.close();
  });

  it('works without JavaScript: readable code and commands, no dead buttons', async () => {
    const { context, page } = await newPage({ javaScriptEnabled: false });
    await page.goto(`${origin}${INCIDENT}`);
    const figure = page.locator('figure[data-snippet="queue/commit-prepared"]');
    expect(await figure.locator('pre code').textContent()).toBe(snippetText('queue/commit-prepared').body);
    expect(await figure.locator('code[data-command]').textContent()).toBe("psql -X -v ON_ERROR_STOP=1 -v 'gid=<gid>' -f snippets/queue/commit-prepared.sql");
    expect(await figure.getByRole('button', { name: 'Copy SQL' }).isVisible()).toBe(false);
    expect(await figure.locator('.rb-snippet__warning').isVisible()).toBe(true);
    expect(await page.getByLabel(/^gid/).isDisabled()).toBe(true);
    expect(await page.getByText('Filling in needs JavaScript').isVisible()).toBe(true);
    await page.getByRole('link', { name: 'I have an incident' }).first().click();
    await page.waitForURL(`${origin}/`);
    await context.close();
  });

  it('fits a phone screen: nothing but code blocks scrolls sideways', async () => {
    const { context, page } = await newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    for (const path of PAGES) {
      await page.goto(`${origin}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.goto(`${origin}${INCIDENT}`);
    await page.screenshot({ path: path.join(RESULTS, 'runbook-mobile.png'), fullPage: true });
    await context.close();
  });

  it('prints the runbook with its snippets and without controls', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}${INCIDENT}`);
    await page.emulateMedia({ media: 'print' });
    const figure = page.locator('figure[data-snippet="queue/commit-prepared"]');
    expect(await figure.locator('pre code').isVisible()).toBe(true);
    expect(await figure.locator('[data-actions]').isVisible()).toBe(false);
    expect(await page.locator('.rb-params input').first().isVisible()).toBe(false);
    for (const chrome of ['header.header', 'nav.sidebar', '.right-sidebar-container']) expect(await page.locator(chrome).first().isVisible(), chrome).toBe(false);
    expect(await figure.locator('pre').evaluate((element) => getComputedStyle(element).whiteSpace)).toBe('pre-wrap');
    await page.pdf({ path: path.join(RESULTS, 'runbook-print.pdf') });
    await context.close();
  });
});

describe.each(['light', 'dark'] as const)('in %s mode', (scheme) => {
  it('has no serious or critical accessibility violation on any page', async () => {
    const { context, page } = await newPage({ colorScheme: scheme });
    const violations: string[] = [];
    for (const path of PAGES) {
      await page.goto(`${origin}${path}`);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
      await page.addScriptTag({ content: axeSource });
      const results = await page.evaluate(() => (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document));
      for (const violation of results.violations.filter((candidate) => candidate.impact === 'serious' || candidate.impact === 'critical')) {
        violations.push(`${path}: ${violation.id} (${violation.impact}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
      }
    }
    expect(violations).toEqual([]);
    await context.close();
  });

  it('colours code with the theme and keeps a screenshot', async () => {
    const { context, page } = await newPage({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    await page.goto(`${origin}${INCIDENT}`);
    const keyword = page.locator('figure[data-snippet="queue/commit-prepared"] pre code span[style*="--shiki"]').first();
    const colours = await keyword.evaluate((element) => ({
      actual: getComputedStyle(element).color,
      light: element.style.getPropertyValue('--shiki-light'),
      dark: element.style.getPropertyValue('--shiki-dark'),
    }));
    const probe = await page.evaluate((hex) => {
      const element = document.createElement('span');
      element.style.color = hex;
      document.body.append(element);
      const rgb = getComputedStyle(element).color;
      element.remove();
      return rgb;
    }, scheme === 'dark' ? colours.dark : colours.light);
    expect(colours.actual).toBe(probe);
    await page.screenshot({ path: path.join(RESULTS, `runbook-${scheme}.png`), fullPage: true });
    await context.close();
  });
});

describe('every page visited', () => {
  it('logged no console error and asked for nothing outside the site (works offline)', async () => {
    const { context, page } = await newPage();
    for (const path of [...PAGES, '/no-such-page/']) await page.goto(`${origin}${path}`, { waitUntil: 'networkidle' });
    await context.close();
    // The 404 page's own response is expected; anything else is a problem.
    expect(troubles.filter((trouble) => !/(no-such-page|renamed-runbook)\/: console: Failed to load resource: the server responded with a status of 404/.test(trouble))).toEqual([]);
  });
});
