import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setLiveSnippet, type LiveSnippet } from '../../src/site/dev/live-state.ts';
import { parseSnippet } from '../../src/snippets/snippet.ts';
import { fixture, renderPage, runbookBody } from './helpers.ts';

/**
 * What the dev server's live loop adds to a snippet's block (src/site/dev/live-state.ts): lint
 * errors of the saved text on its badge while the report still describes the old text, and a
 * line saying what the loop did. A state about other text than the file's is not shown.
 */

const paths = fixture('stale');
const NAME = 'health/prepared-count';
const file = path.join(paths.snippetsDir, `${NAME}.sql`);
const sha256 = parseSnippet(readFileSync(file, 'utf8'), file, { projectRoot: paths.root, snippetsRoot: paths.snippetsDir }).sha256;
const lintError = { file: 'snippets/health/prepared-count.sql', line: 12, column: 8, rule: 'parameter-declaration', message: 'variable kind is not declared under params in the header' };
const page = runbookBody(`::snippet{name="${NAME}"}`);

function live(state: Partial<LiveSnippet>): void {
  setLiveSnippet(NAME, { sha256, lintErrors: [], lintWarnings: 0, phase: { kind: 'verifying', target: 'pg18' }, ...state });
}

describe('the live loop on the page (astro dev)', () => {
  afterEach(() => live({ sha256: 'none' }));

  it('puts the saved text’s lint errors on the badge, and says verification is running', async () => {
    live({ lintErrors: [lintError, { ...lintError, line: 13 }] });
    const { html } = await renderPage(paths, '01-health-monitoring/queue-check.mdx', page, false);
    expect(html).toContain(`data-snippet="${NAME}" data-status="failed"`);
    expect(html).toContain('Verification failed: lint: snippets/health/prepared-count.sql:12:8 parameter-declaration: variable kind is not declared under params in the header (and 1 more)</a></p><p class="rb-snippet__live" data-live="verifying">Lint: 2 errors. Verifying on pg18 against the <code>runbooks db up</code> server…</p>');
  });

  it('says when no `runbooks db up` server runs, and leaves the report’s verdict when lint is clean', async () => {
    live({ lintWarnings: 1, phase: { kind: 'no-server', target: 'pg18' } });
    const { html } = await renderPage(paths, '01-health-monitoring/queue-check.mdx', page, false);
    expect(html).toContain(`data-snippet="${NAME}" data-status="stale"`);
    expect(html).toContain('<p class="rb-snippet__live" data-live="no-server">Lint: no errors (1 warning). Not verified: no <code>runbooks db up</code> server runs for pg18. Start one (<code>npx runbooks db up --detach</code>) and save again.</p>');
  });

  it('shows nothing about text other than the file’s, and nothing in the strict build', async () => {
    live({ sha256: 'f'.repeat(64), lintErrors: [lintError] });
    const { html } = await renderPage(paths, '01-health-monitoring/queue-check.mdx', page, false);
    expect(html).toContain(`data-snippet="${NAME}" data-status="stale"`);
    expect(html).not.toContain('rb-snippet__live');
    live({ lintErrors: [lintError] });
    const strict = await renderPage(paths, '01-health-monitoring/queue-check.mdx', page, true).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(strict).toContain(`snippet "${NAME}" is stale`);
  });
});
