import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryOf } from '../../src/site/content/categories.ts';
import { axeSource, buildFixture, buildSiteFromContent, FIXTURES, launchChromium, pdfPageCount, RESULTS, serve } from './harness.ts';

/**
 * The incident checklist in Debian's Chromium. On the `verified` fixture site (a small
 * checklist whose Markdown is known to the letter): tick, reload and find the ticks with their
 * times, export the Markdown, start a new incident, stay in the browser, work without
 * JavaScript, print. On the site built from the repository's own content: the real checklist
 * prints on at most two pages even when every item is ticked, passes axe, and the home page
 * indexes every runbook and script.
 */

const CHECKLIST = '/04-incident-response/incident-checklist/';
const STORAGE_KEY = `pg-tviews-runbooks:checklist:${CHECKLIST}`;
const T0 = new Date('2026-05-01T03:12:45Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** A page with its clock fixed at `time`, recording every request it makes after it loaded. */
async function open(origin: string, options: Parameters<Browser['newContext']>[0] = {}, time = T0): Promise<{ context: BrowserContext; page: Page; requests: string[]; errors: string[] }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  if (options.javaScriptEnabled !== false) await page.clock.setFixedTime(time);
  await page.goto(`${origin}${CHECKLIST}`, { waitUntil: 'networkidle' });
  page.on('request', (request) => requests.push(request.url()));
  return { context, page, requests, errors };
}

const box = (page: Page, name: RegExp) => page.getByRole('checkbox', { name });
const itemOf = (page: Page, name: RegExp) => page.locator('li.rb-check', { has: box(page, name) });

describe('the checklist (fixture site)', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let origin: string;

  beforeAll(async () => {
    const build = buildFixture('verified');
    if (build.status !== 0) throw new Error(`building the fixture site failed:\n${build.output}`);
    server = await serve(path.join(FIXTURES, 'verified', 'dist'));
    origin = server.origin;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('records the time of each tick and finds the ticks and times again after a reload', async () => {
    const { context, page, errors } = await open(origin);
    const compare = box(page, /^Compare the TVIEW with its view/);
    const count = box(page, /^Count the prepared transactions/);
    expect(await compare.isEnabled()).toBe(true);
    expect(await page.locator('[data-checklist-started]').textContent()).toBe('at your first tick or note');

    await compare.check();
    expect(await itemOf(page, /^Compare the TVIEW/).locator('[data-check-time]').textContent()).toBe('ticked 03:12:45 UTC');
    expect(await itemOf(page, /^Compare the TVIEW/).locator('time').getAttribute('datetime')).toBe('2026-05-01T03:12:45.000Z');
    // The checkbox is described by its time, for screen readers.
    expect(await compare.evaluate((element) => document.getElementById(element.getAttribute('aria-describedby')!)!.textContent)).toBe('ticked 03:12:45 UTC');

    // From the keyboard, 95 seconds later.
    await page.clock.setFixedTime(at(95));
    await count.focus();
    await page.keyboard.press('Space');
    expect(await count.isChecked()).toBe(true);
    expect(await itemOf(page, /^Count the prepared/).locator('[data-check-time]').textContent()).toBe('ticked 03:14:20 UTC');

    await page.clock.setFixedTime(at(600));
    await page.reload();
    expect(await compare.isChecked()).toBe(true);
    expect(await count.isChecked()).toBe(true);
    expect(await box(page, /^Finish the stuck transaction/).isChecked()).toBe(false);
    expect(await itemOf(page, /^Compare the TVIEW/).locator('[data-check-time]').textContent()).toBe('ticked 03:12:45 UTC');
    expect(await itemOf(page, /^Count the prepared/).locator('[data-check-time]').textContent()).toBe('ticked 03:14:20 UTC');
    expect(await page.locator('[data-checklist-started]').textContent()).toBe('2026-05-01 03:12:45 UTC');
    expect(await page.locator('[data-checklist-progress]').textContent()).toBe('2 of 4 items ticked');

    // Unticking removes the time, and stays so after a reload.
    await compare.uncheck();
    expect(await itemOf(page, /^Compare the TVIEW/).locator('time').count()).toBe(0);
    await page.reload();
    expect(await compare.isChecked()).toBe(false);
    expect(await count.isChecked()).toBe(true);

    // Kept under one key for this page, and nowhere else.
    // (Starlight keeps the colour theme in localStorage and the sidebar's state in sessionStorage.)
    const stored = await page.evaluate(() => ({ keys: Object.keys(localStorage).filter((key) => key !== 'starlight-theme'), session: JSON.stringify({ ...sessionStorage }), cookies: document.cookie }));
    expect(stored.keys).toEqual([STORAGE_KEY]);
    expect(stored.session).not.toContain('03:1');
    expect(stored.cookies).toBe('');
    const saved = JSON.parse((await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY))!);
    expect(saved).toEqual({ version: 1, startedAt: '2026-05-01T03:12:45.000Z', incident: '', notes: '', ticked: { '1-first-five-minutes-count-the-prepared-transactions-with-pg_prepared_xacts': '2026-05-01T03:14:20.000Z' } });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('exports the ticked list, its times and the notes as Markdown, copied and downloaded alike', async () => {
    const { context, page, errors } = await open(origin);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await page.getByLabel('Incident (name, ticket or channel)').fill('INC-42 writes to tb_post fail');
    await box(page, /^Compare the TVIEW with its view/).check();
    await page.clock.setFixedTime(at(120));
    await box(page, /^Finish the stuck transaction/).check();
    await page.getByRole('textbox', { name: /^Notes/ }).fill("Rolled back gid 'app-17'.\nOwner told: app team");
    await page.clock.setFixedTime(at(435));

    await page.getByRole('button', { name: 'Copy as Markdown' }).click();
    await expect.poll(() => page.locator('[data-checklist-panel] [role="status"]').textContent()).toBe('Markdown copied: paste it into the incident channel.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(
      [
        '# Incident checklist: INC-42 writes to tb_post fail',
        '',
        `- Checklist: [Incident checklist](${origin}${CHECKLIST})`,
        '- Started: 2026-05-01 03:12:45 UTC',
        '- Exported: 2026-05-01 03:20:00 UTC',
        '- Ticked: 2 of 4',
        '',
        '## 1. First five minutes',
        '',
        `- [x] Compare the TVIEW with its view: [health check](${origin}/01-health-monitoring/tview-health-check/#compare-the-tview-with-its-view) (ticked 2026-05-01 03:12:45 UTC)`,
        `- [ ] Count the prepared transactions with \`pg_prepared_xacts\`: [count them](${origin}/01-health-monitoring/tview-health-check/#count-prepared-transactions)`,
        '',
        '## 2. Mitigation',
        '',
        `- [x] Finish the stuck transaction, **after** asking its owner: [finish it](${origin}/04-incident-response/stuck-prepared-transaction/#finish-the-transaction) (ticked 2026-05-01 03:14:45 UTC)`,
        '',
        '## 3. Hand-over',
        '',
        `- [ ] Post this checklist in the incident channel ([how](${origin}${CHECKLIST}#3-hand-over))`,
        '',
        '## Notes',
        '',
        "Rolled back gid 'app-17'.",
        'Owner told: app team',
        '',
      ].join('\n'),
    );

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download Markdown' }).click()]);
    expect(download.suggestedFilename()).toBe('incident-checklist-2026-05-01T0312Z.md');
    expect(readFileSync((await download.path())!, 'utf8')).toBe(copied);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('starts a new incident only when asked twice, and then keeps nothing', async () => {
    const { context, page } = await open(origin);
    await page.getByLabel('Incident (name, ticket or channel)').fill('INC-43');
    await box(page, /^Compare the TVIEW with its view/).check();
    const reset = page.getByRole('button', { name: 'Start a new incident' });

    const dialogs: string[] = [];
    page.once('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await reset.click();
    expect(dialogs).toEqual([expect.stringContaining('clears every tick, time and note of this checklist in this browser')]);
    expect(await box(page, /^Compare the TVIEW with its view/).isChecked()).toBe(true);

    page.once('dialog', (dialog) => void dialog.accept());
    await reset.click();
    await expect.poll(() => page.locator('[data-checklist-panel] [role="status"]').textContent()).toBe('Cleared: ready for a new incident.');
    expect(await page.locator('input[data-check-box]:checked').count()).toBe(0);
    expect(await page.locator('li.rb-check time').count()).toBe(0);
    expect(await page.getByLabel('Incident (name, ticket or channel)').inputValue()).toBe('');
    expect(await page.locator('[data-checklist-started]').textContent()).toBe('at your first tick or note');
    expect(await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY)).toBeNull();
    await page.reload();
    expect(await page.locator('input[data-check-box]:checked').count()).toBe(0);
    expect(await page.getByLabel('Incident (name, ticket or channel)').inputValue()).toBe('');

    // With nothing recorded there is nothing to lose: no question.
    await reset.click();
    await expect.poll(() => page.locator('[data-checklist-panel] [role="status"]').textContent()).toBe('Cleared: ready for a new incident.');
    await context.close();
  });

  it('sends nothing anywhere while ticking, typing, exporting and clearing', async () => {
    const { context, page, requests } = await open(origin, { acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await box(page, /^Compare the TVIEW with its view/).check();
    await page.getByRole('textbox', { name: /^Notes/ }).fill('secret-ish note');
    await page.getByRole('button', { name: 'Copy as Markdown' }).click();
    await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download Markdown' }).click()]);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Start a new incident' }).click();
    await page.waitForTimeout(300);
    // The download is a blob: URL made in the page; nothing goes to a server, not even this site's.
    expect(requests.filter((url) => !url.startsWith('blob:'))).toEqual([]);
    expect(page.url()).toBe(`${origin}${CHECKLIST}`);
    await context.close();
  });

  it('follows a tick made in another tab of the same browser', async () => {
    const { context, page } = await open(origin);
    const other = await context.newPage();
    await other.goto(`${origin}${CHECKLIST}`);
    await box(page, /^Finish the stuck transaction/).check();
    await expect.poll(() => box(other, /^Finish the stuck transaction/).isChecked()).toBe(true);
    expect(await itemOf(other, /^Finish the stuck transaction/).locator('[data-check-time]').textContent()).toBe('ticked 03:12:45 UTC');
    await context.close();
  });

  it('reads as a plain list without JavaScript: labelled boxes to tick by hand, nothing dead to click', async () => {
    const { context, page } = await open(origin, { javaScriptEnabled: false });
    const boxes = page.locator('ul.rb-checklist > li > input[type="checkbox"]');
    expect(await boxes.count()).toBe(4);
    for (const item of await boxes.all()) expect(await item.isDisabled()).toBe(true);
    expect(await box(page, /^Compare the TVIEW with its view: health check$/).count()).toBe(1);
    expect(await page.locator('ul.rb-checklist li a').count()).toBe(4);
    expect(await page.getByText('Ticking needs JavaScript').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Copy as Markdown' }).isVisible()).toBe(false);
    expect(await page.getByLabel('Incident (name, ticket or channel)').isDisabled()).toBe(true);
    await context.close();
  });

  it('prints the list with its ticks and times, the incident and notes as text, and no navigation or controls', async () => {
    const { context, page } = await open(origin);
    await page.getByLabel('Incident (name, ticket or channel)').fill('INC-44');
    await page.getByRole('textbox', { name: /^Notes/ }).fill('Disabled nothing.');
    await box(page, /^Compare the TVIEW with its view/).check();
    await page.emulateMedia({ media: 'print' });
    for (const chrome of ['header.header', 'nav.sidebar', '.right-sidebar-container', '.pagination-links', '.rb-summary', '.rb-checklist-panel fieldset', '[data-checklist-actions]']) {
      expect(await page.locator(chrome).first().isVisible(), chrome).toBe(false);
    }
    expect(await page.locator('[data-checklist-print]').textContent()).toBe('Incident: INC-44 · Started: 2026-05-01 03:12:45 UTCNotes: Disabled nothing.');
    expect(await box(page, /^Compare the TVIEW with its view/).isVisible()).toBe(true);
    expect(await itemOf(page, /^Compare the TVIEW/).locator('time').isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4', path: path.join(RESULTS, 'checklist-fixture-print.pdf') });
    expect(pdfPageCount(pdf)).toBe(1);
    await context.close();
  });
});

describe('the real checklist and index (site built from content/)', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let origin: string;
  let siteRoot: string;

  beforeAll(async () => {
    const { root, run } = await buildSiteFromContent();
    siteRoot = root;
    if (run.status !== 0) throw new Error(`building the site from content/ failed:\n${run.output}`);
    server = await serve(path.join(root, 'dist'));
    origin = server.origin;
  });

  afterAll(async () => {
    await server?.close();
  });

  it.each(['A4', 'Letter'] as const)('prints on at most two %s pages, every item ticked and notes written', async (format) => {
    const { context, page } = await open(origin);
    expect(await page.locator('li.rb-check').count()).toBeGreaterThan(20);
    await page.getByLabel('Incident (name, ticket or channel)').fill('INC-1234 writes to tb_comment fail with 55000');
    for (const [index, item] of (await page.locator('input[data-check-box]').all()).entries()) {
      await page.clock.setFixedTime(at(index * 61));
      await item.check();
    }
    await page.getByRole('textbox', { name: /^Notes/ }).fill('Flush trigger of tb_comment was disabled by the nightly load.\nEnabled it, refreshed tv_comment.\nHanded over to the app team.');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.rb-summary').isVisible()).toBe(false);
    const pdf = await page.pdf({ format, path: path.join(RESULTS, `checklist-print-${format}.pdf`) });
    expect(pdfPageCount(pdf)).toBeLessThanOrEqual(2);
    // Legible: body text no smaller than 9 pt (12 px).
    expect(await page.locator('.rb-check__label').first().evaluate((element) => parseFloat(getComputedStyle(element).fontSize))).toBeGreaterThanOrEqual(12);
    await context.close();
  });

  it('links every item to a heading that exists, and reads as a plain list without JavaScript', async () => {
    const { context, page } = await open(origin, { javaScriptEnabled: false });
    const links = await page.locator('ul.rb-checklist > li > label').evaluateAll((labels) => labels.map((label) => [label.textContent, [...label.querySelectorAll('a')].map((link) => link.getAttribute('href'))]));
    expect(links.length).toBeGreaterThan(20);
    const anchors = new Map<string, Set<string>>();
    for (const [text, hrefs] of links as [string, string[]][]) {
      expect(hrefs.length, text).toBeGreaterThan(0);
      for (const href of hrefs) {
        const url = new URL(href, `${origin}${CHECKLIST}`);
        if (!anchors.has(url.pathname)) {
          const html = await (await fetch(`${origin}${url.pathname}`)).text();
          anchors.set(url.pathname, new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1])));
        }
        expect(anchors.get(url.pathname), `${text}: ${href}`).toContain(decodeURIComponent(url.hash.slice(1)));
      }
    }
    await context.close();
  });

  it.each(['light', 'dark'] as const)('has no serious or critical accessibility violation on the checklist and the home page in %s mode', async (scheme) => {
    const { context, page } = await open(origin, { colorScheme: scheme });
    await box(page, /./).first().check();
    const violations: string[] = [];
    for (const address of [CHECKLIST, '/']) {
      await page.goto(`${origin}${address}`);
      await page.addScriptTag({ content: axeSource });
      const results = await page.evaluate(() => (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document));
      for (const violation of results.violations.filter((candidate) => candidate.impact === 'serious' || candidate.impact === 'critical')) {
        violations.push(`${address}: ${violation.id} (${violation.impact}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
      }
    }
    expect(violations).toEqual([]);
    await page.goto(`${origin}${CHECKLIST}`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: path.join(RESULTS, `checklist-${scheme}.png`), fullPage: true });
    await context.close();
  });

  it('fits a phone screen', async () => {
    const { context, page } = await open(origin, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    await box(page, /./).first().check();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(RESULTS, 'checklist-mobile.png'), fullPage: true });
    await context.close();
  });

  it('indexes every runbook of content/ by category and every script with where it is embedded', async () => {
    const { context, page } = await open(origin);
    await page.goto(`${origin}/`);
    const runbooks = readdirSync(path.join(siteRoot, 'content'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.mdx?$/.test(entry.name) && !entry.name.startsWith('_'))
      .map((entry) => path.relative(path.join(siteRoot, 'content'), path.join(entry.parentPath, entry.name)).replace(/\.mdx?$/, ''))
      .filter((contentPath) => categoryOf(contentPath) !== undefined);
    const listed = await page.locator('.rb-runbook-list > li > a').evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    expect(listed.sort()).toEqual(runbooks.map((contentPath) => `/${contentPath}/`).sort());
    // The plan's twelve, in its four categories.
    for (const planned of [
      '01-health-monitoring/tview-health-check',
      '01-health-monitoring/queue-management',
      '01-health-monitoring/performance-monitoring',
      '02-refresh-operations/manual-refresh',
      '02-refresh-operations/batch-refresh',
      '02-refresh-operations/refresh-troubleshooting',
      '03-maintenance/regular-maintenance',
      '03-maintenance/connection-management',
      '03-maintenance/table-analysis',
      '04-incident-response/emergency-procedures',
      '04-incident-response/incident-checklist',
      '04-incident-response/post-incident-review',
    ]) {
      expect(listed, planned).toContain(`/${planned}/`);
    }
    expect(await page.locator('.rb-category h3').allTextContents()).toEqual(['Health and monitoring', 'Refresh operations', 'Maintenance', 'Incident response']);
    expect(await page.locator('.rb-runbook-list .rb-when').count()).toBe(runbooks.length);

    const scripts = readdirSync(path.join(siteRoot, 'snippets', 'scripts')).filter((name) => /\.(sql|sh)$/.test(name));
    for (const planned of ['health-check.sql', 'refresh-status.sql', 'queue-cleanup.sql', 'emergency-disable.sql', 'emergency-restore.sql', 'tview-monitor.sh']) expect(scripts).toContain(planned);
    const items = page.locator('.rb-script-list > li');
    expect(await items.locator('> code').allTextContents()).toEqual(scripts.map((name) => `scripts/${name}`).sort());
    for (const item of await items.all()) {
      const where = item.locator('.rb-when a');
      expect(await where.count(), (await item.locator('> code').textContent()) ?? '').toBeGreaterThan(0);
      const href = (await where.first().getAttribute('href'))!;
      const html = await (await fetch(`${origin}${href.split('#')[0]}`)).text();
      expect(html).toContain(`id="${href.split('#')[1]}"`);
    }
    await context.close();
  });
});
