import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLACEHOLDER } from '../../src/snippets/scaffold.ts';
import { fill } from '../unit/new-runbook-fill.ts';

/**
 * The real strict build (`astro build`) of a runbook scaffolded by `runbooks new runbook`: it
 * refuses the page while placeholders remain, naming each line, and builds it once they are
 * written. In a copy of the site fixture (tests/site/fixtures/verified) under test-results/.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SITE = path.join(ROOT, 'test-results', 'new-runbook-site');
const ASTRO = path.join(ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs');

function runbooks(...args: string[]) {
  return spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'runbooks.ts'), ...args], { encoding: 'utf8', cwd: SITE });
}

/** astro build without Vitest's variables, which make Astro behave as under a test runner. */
function build() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_ENV' && key !== 'TEST'));
  const result = spawnSync(process.execPath, [ASTRO, 'build', '--silent'], { cwd: SITE, encoding: 'utf8', env: { ...env, ASTRO_TELEMETRY_DISABLED: '1' }, timeout: 300_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  rmSync(SITE, { recursive: true, force: true });
  mkdirSync(SITE, { recursive: true });
  const fixture = path.join(ROOT, 'tests', 'site', 'fixtures', 'verified');
  for (const part of ['content', 'snippets', 'reports', 'targets.env']) cpSync(path.join(fixture, part), path.join(SITE, part), { recursive: true });
  writeFileSync(path.join(SITE, 'astro.config.mjs'), "import { runbooksSiteConfig } from '../../src/site/astro-config.ts';\n\nexport default runbooksSiteConfig({ root: import.meta.dirname });\n");
});
afterAll(() => rmSync(SITE, { recursive: true, force: true }));

describe('a runbook from runbooks new runbook, built for real', () => {
  it('is refused while placeholders remain, each named by line, and builds once they are written', { timeout: 600_000 }, () => {
    const created = runbooks('new', 'runbook', '03-maintenance/reindex-bloated-tview', '--root', SITE);
    expect(created.status, created.stderr).toBe(0);
    const file = path.join(SITE, 'content', '03-maintenance', 'reindex-bloated-tview.mdx');
    const text = readFileSync(file, 'utf8');

    const refused = build();
    expect(refused.status).not.toBe(0);
    const lines = text.split('\n').flatMap((line, i) => (line.includes(PLACEHOLDER) ? [i + 1] : []));
    for (const line of lines) expect(refused.output).toMatch(new RegExp(`content/03-maintenance/reindex-bloated-tview\\.mdx:${line}:\\d+: placeholder left by 'runbooks new runbook'`));
    expect(refused.output).toContain(`The site cannot be published: ${lines.length} problems`);

    writeFileSync(file, fill(text));
    const built = build();
    expect(built.status, built.output).toBe(0);
    const html = readFileSync(path.join(SITE, 'dist', '03-maintenance', 'reindex-bloated-tview', 'index.html'), 'utf8');
    expect(html).toContain('A TVIEW index is bloated');
    expect(html).toContain('data-snippet="health/tview-status"');
    expect(existsSync(path.join(SITE, 'dist', 'index.html'))).toBe(true);
  });
});
