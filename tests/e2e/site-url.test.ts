import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITE_URL_HINT } from '../../src/site/site-url.ts';
import { buildSite, copyFixture } from './harness.ts';

/**
 * The deployment URL: `astro build` of the `verified` fixture (a copy) with SITE_URL gives every
 * page its canonical link and writes the sitemap; without it there is neither, and the build says
 * in one line how to get them, instead of the sitemap integration's warning.
 */

describe('SITE_URL', () => {
  let project: ReturnType<typeof copyFixture>;
  const page = () => readFileSync(path.join(project.root, 'dist', '01-health-monitoring', 'tview-health-check', 'index.html'), 'utf8');
  const sitemap = () => path.join(project.root, 'dist', 'sitemap-index.xml');

  beforeAll(() => {
    project = copyFixture('verified');
  });
  afterAll(() => project?.remove());

  it('set: canonical links and sitemap-index.xml', { timeout: 120_000 }, () => {
    const run = buildSite(project.root, { env: { SITE_URL: 'https://runbooks.example.org/' }, silent: false });
    expect(run.status, run.output).toBe(0);
    expect(page()).toContain('<link rel="canonical" href="https://runbooks.example.org/01-health-monitoring/tview-health-check/"');
    expect(existsSync(sitemap())).toBe(true);
    expect(readFileSync(path.join(project.root, 'dist', 'sitemap-0.xml'), 'utf8')).toContain('<loc>https://runbooks.example.org/01-health-monitoring/tview-health-check/</loc>');
    expect(run.output).not.toContain('no SITE_URL');
  });

  it('unset: neither, and one line saying how to set it', { timeout: 120_000 }, () => {
    const run = buildSite(project.root, { env: { SITE_URL: '' }, silent: false });
    expect(run.status, run.output).toBe(0);
    expect(page()).not.toContain('rel="canonical"');
    expect(existsSync(sitemap())).toBe(false);
    expect(run.output.split('\n').filter((line) => line.includes(SITE_URL_HINT))).toHaveLength(1);
    expect(run.output).not.toMatch(/sitemap[^\n]*requires the `site`/i);
  });

  it('not an http(s) URL: the build stops, naming SITE_URL', { timeout: 60_000 }, () => {
    const run = buildSite(project.root, { env: { SITE_URL: 'runbooks.example.org' }, silent: false });
    expect(run.status).not.toBe(0);
    expect(run.output).toContain("SITE_URL is not a URL: 'runbooks.example.org'");
  });
});
