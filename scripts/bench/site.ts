#!/usr/bin/env node
// Figures for the runbook site: build time, and per runbook page the JavaScript shipped, the
// total transfer (without the search index) and the first contentful paint in headless
// Chromium on localhost. Builds the site of --root (default: the `verified` test fixture, so
// it works before the real runbooks exist), serves dist/ with scripts/serve.ts and loads each
// runbook page --runs times in a fresh browser context (empty cache).
//   node scripts/bench/site.ts [--root dir] [--runs 5]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { contentFiles } from '../../src/site/check/check-site.ts';
import { parsePage } from '../../src/site/content/parse-page.ts';
import { projectPaths } from '../../src/site/project.ts';
import { serveStatic } from '../serve.ts';

const repository = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({ options: { root: { type: 'string', default: path.join(repository, 'tests/site/fixtures/verified') }, runs: { type: 'string', default: '5' } } });
const paths = projectPaths(values.root);
const runs = Math.max(1, Number(values.runs));

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

// 1. Build.
const started = performance.now();
const build = spawnSync(process.execPath, [path.join(repository, 'node_modules/astro/bin/astro.mjs'), 'build', '--silent'], { cwd: paths.root, encoding: 'utf8', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
const buildMs = performance.now() - started;
if (build.status !== 0) {
  console.error(`astro build failed in ${paths.root}:\n${build.stdout}\n${build.stderr}`);
  process.exit(1);
}
const runbooks = contentFiles(paths.contentDir)
  .map((file) => parsePage(readFileSync(file, 'utf8'), file, paths))
  .filter((page) => page.category && page.data?.runbook)
  .map((page) => `/${page.contentPath}/`);

// 2. Load each runbook page.
const server = serveStatic(path.join(paths.root, 'dist'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

interface Load {
  fcp: number;
  gzip: number;
  scriptFiles: number;
  inlineScript: number;
  transfer: number;
  searchIndex: number;
  requests: number;
}

async function load(url: string): Promise<Load> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const finished: Promise<{ url: string; type: string; bytes: number; gzip: number }>[] = [];
  page.on('requestfinished', (request) => {
    finished.push(
      (async () => {
        const sizes = await request.sizes();
        const body = (await (await request.response())?.body()) ?? Buffer.alloc(0);
        // What a static server that compresses would send for the body.
        return { url: request.url(), type: request.resourceType(), bytes: sizes.responseBodySize + sizes.responseHeadersSize, gzip: gzipSync(body).length + sizes.responseHeadersSize };
      })(),
    );
  });
  await page.goto(`${origin}${url}`, { waitUntil: 'networkidle' });
  // Starlight and the search button schedule work on idle: give it the chance to fetch.
  await page.waitForTimeout(500);
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN);
  const inlineScript = await page.evaluate(() => [...document.querySelectorAll('script:not([src])')].filter((script) => !script.getAttribute('type') || script.getAttribute('type') === 'module').reduce((sum, script) => sum + new TextEncoder().encode(script.textContent ?? '').length, 0));
  const resources = await Promise.all(finished);
  await context.close();
  const searchIndex = resources.filter((resource) => new URL(resource.url).pathname.startsWith('/pagefind/'));
  const rest = resources.filter((resource) => !searchIndex.includes(resource));
  return {
    fcp,
    scriptFiles: rest.filter((resource) => resource.type === 'script').reduce((sum, resource) => sum + resource.bytes, 0),
    inlineScript,
    transfer: rest.reduce((sum, resource) => sum + resource.bytes, 0),
    gzip: rest.reduce((sum, resource) => sum + resource.gzip, 0),
    searchIndex: searchIndex.reduce((sum, resource) => sum + resource.bytes, 0),
    requests: rest.length,
  };
}

console.log(`site: ${paths.root}`);
console.log(`build: ${(buildMs / 1000).toFixed(1)} s (astro build with the strict check and the pagefind index)`);
console.log(`runbook pages: ${runbooks.length}, ${runs} loads each, median shown\n`);
console.log(['page', 'JS files', 'inline JS', 'JS total', 'transfer', 'gzipped', 'requests', 'FCP'].join('\t'));
for (const url of runbooks) {
  const loads: Load[] = [];
  for (let run = 0; run < runs; run++) loads.push(await load(url));
  const pick = (key: keyof Load) => median(loads.map((entry) => entry[key]));
  console.log([url, kb(pick('scriptFiles')), kb(pick('inlineScript')), kb(pick('scriptFiles') + pick('inlineScript')), kb(pick('transfer')), kb(pick('gzip')), pick('requests'), `${pick('fcp').toFixed(0)} ms`].join('\t'));
  if (pick('searchIndex') > 0) console.log(`  (search index fetched without a search: ${kb(pick('searchIndex'))})`);
}
console.log('\ntransfer: every response of the page load (HTML, CSS, JS, favicon), headers and bodies, as served (uncompressed), without /pagefind/;');
console.log('gzipped: the same with gzip-compressed bodies, as a compressing static server would send them.');
console.log('JS total: external scripts plus inline <script> bodies. The search UI (~94 KB) loads only when the search dialog opens.');

await browser.close();
server.close();
