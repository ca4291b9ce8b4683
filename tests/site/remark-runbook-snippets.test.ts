import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fromHtml } from 'hast-util-from-html';
import { select, selectAll } from 'hast-util-select';
import { toText } from 'hast-util-to-text';
import { describe, expect, it } from 'vitest';
import { parseSnippet } from '../../src/snippets/snippet.ts';
import { snippetBody } from '../../src/site/render/snippet-body.ts';
import { fixture, renderPage, runbookBody, textContent } from './helpers.ts';

const verified = fixture('verified');
const RUNBOOK = '01-health-monitoring/example.mdx';

function bodyOf(paths: ReturnType<typeof fixture>, name: string, extension = '.sql'): string {
  const file = path.join(paths.snippetsDir, `${name}${extension}`);
  return snippetBody(parseSnippet(readFileSync(file, 'utf8'), file, { projectRoot: paths.root, snippetsRoot: paths.snippetsDir }));
}

describe('::snippet in the strict build', () => {
  it('replaces the directive with the snippet block: title, badges linked to the report, code', async () => {
    const { html } = await renderPage(verified, RUNBOOK, runbookBody('::snippet{name="health/tview-status"}'), true);
    const tree = fromHtml(html, { fragment: true });
    const figure = select('figure.rb-snippet[data-snippet="health/tview-status"]', tree);
    expect(figure).toBeDefined();
    expect(html).not.toContain('::snippet');
    expect(figure!.properties.dataStatus).toBe('verified');
    expect(toText(select('.rb-snippet__title', figure)!)).toBe('Rows of one TVIEW against its view');
    const badge = select('a.rb-badge--verified', figure)!;
    expect(badge.properties.href).toBe('/report/#snippet--health--tview-status');
    expect(toText(badge)).toBe('✔ Verified on PostgreSQL 18.6, 17.11 and 16.15 with pg_tviews 0.1.0-beta.34, 2026-11-30');
    expect(select('.rb-snippet__scope', figure)).toBeUndefined();
    expect(toText(select('.rb-badge--read-only', figure)!)).toBe('Read-only');
    expect(textContent(select('pre[data-code] code', figure)!)).toBe(bodyOf(verified, 'health/tview-status'));
  });

  it('names the only target a snippet claims on its badge, and why it is not for the others', async () => {
    const { html } = await renderPage(verified, RUNBOOK, runbookBody('::snippet{name="health/io-bytes"}'), true);
    const figure = select('figure.rb-snippet[data-snippet="health/io-bytes"]', fromHtml(html, { fragment: true }))!;
    expect(figure.properties.dataStatus).toBe('verified');
    expect(toText(select('a.rb-badge--verified', figure)!)).toBe('✔ Verified on PostgreSQL 18.6 with pg_tviews 0.1.0-beta.34, 2026-11-30');
    expect(toText(select('.rb-snippet__scope', figure)!)).toBe(
      'Not for PostgreSQL 17 or 16: pg_stat_io counts bytes (read_bytes, write_bytes) only from PostgreSQL 18 on; before, it counted operations of op_bytes each.',
    );
  });

  it('marks every parameter reference with its name and quoting style', async () => {
    const { html } = await renderPage(verified, RUNBOOK, runbookBody('::snippet{name="health/tview-status"}'), true);
    const references = selectAll('pre[data-code] .rb-param', fromHtml(html, { fragment: true }));
    expect(references.map((node) => [node.properties.dataParam, node.properties.dataQuote, toText(node)])).toEqual([
      ['entity', 'literal', ":'entity'"],
      ['tview', 'identifier', ':"tview"'],
    ]);
  });

  it('adds one input per parameter of the page, before the block that holds the first snippet', async () => {
    const procedure = '1. First:\n\n   ::snippet{name="queue/commit-prepared"}\n\n2. Then:\n\n   ::snippet{name="health/tview-status"}';
    const { html } = await renderPage(verified, RUNBOOK, runbookBody(procedure), true);
    const tree = fromHtml(html, { fragment: true });
    expect(selectAll('input[data-param-input]', tree).map((input) => input.properties.dataParamInput)).toEqual(['gid', 'entity', 'tview']);
    // The panel is a sibling of the list, not inside a list item, and comes right before it.
    const top = tree.children.filter((node) => node.type === 'element');
    const panel = top.findIndex((node) => select('input[data-param-input]', node) !== undefined);
    expect(top[panel].tagName).toBe('section');
    expect(top[panel + 1].tagName).toBe('ol');
    expect(select('fieldset', top[panel])!.properties.disabled).toBe(true);
    expect(select('form', tree)).toBeUndefined();
  });

  it('warns before a destructive snippet: what it changes and how to undo it', async () => {
    const { html } = await renderPage(verified, RUNBOOK, runbookBody('::snippet{name="queue/commit-prepared"}'), true);
    const warning = toText(select('.rb-snippet__warning', fromHtml(html, { fragment: true }))!);
    expect(warning).toContain("It changes: Makes the prepared transaction's changes permanent");
    expect(warning).toContain('To undo: A committed transaction cannot be undone');
  });

  it('prints snippet text that looks like markup as text: no script or element gets into the page', async () => {
    const { html } = await renderPage(verified, RUNBOOK, runbookBody('::snippet{name="health/probe-markup"}'), true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    const tree = fromHtml(html, { fragment: true });
    expect(selectAll('script, img', tree)).toHaveLength(0);
    expect(textContent(select('pre[data-code] code', tree)!)).toBe(bodyOf(verified, 'health/probe-markup'));
    expect(textContent(select('pre[data-code] code', tree)!)).toContain('</script><script>window.__injected = true</script>');
  });

  it('shows the psql command line with placeholders for the parameters', async () => {
    const { html } = await renderPage(verified, RUNBOOK, runbookBody('::snippet{name="health/tview-status"}'), true);
    const command = select('code[data-command]', fromHtml(html, { fragment: true }))!;
    expect(toText(command)).toBe("psql -X -v ON_ERROR_STOP=1 -v 'entity=<entity>' -v 'tview=<tview>' -f snippets/health/tview-status.sql");
    expect(command.properties.dataParams).toBe('entity tview');
  });

  it.each([
    ['stale', 'health/prepared-count', /is stale: snippets\/health\/prepared-count.sql changed after reports\/verify.json was written/],
    ['missing', 'health/not-there', /is missing: there is no snippet file snippets\/health\/not-there.sql or .sh/],
    ['failed', 'health/prepared-count', /is failed: verification failed on pg16 \(PostgreSQL 16.15\): relation "pg_prepared_xact" does not exist/],
    ['unverified', 'health/prepared-count', /is unverified: reports\/verify.json has no entry for it/],
    ['uncovered', 'health/prepared-count', /is unverified: reports\/verify.json has no run on pg16 \(PostgreSQL 16.15\) \(run `runbooks verify --target pg16`\)/],
  ])('refuses a %s snippet, naming the file, line and snippet', async (name, snippet, reason) => {
    const markdown = runbookBody(`::snippet{name="${snippet}"}`);
    const line = markdown.split('\n').findIndex((text) => text.includes('::snippet')) + 1;
    const failure = renderPage(fixture(name), RUNBOOK, markdown, true);
    await expect(failure).rejects.toThrow(new RegExp(`content/01-health-monitoring/example.mdx:${line}:1: snippet "${snippet}"`));
    await expect(failure).rejects.toThrow(reason);
  });

  it('refuses a runbook without its required sections', async () => {
    const markdown = '## Purpose\n\np\n\n## Procedure\n\n::snippet{name="health/tview-status"}\n';
    await expect(renderPage(verified, RUNBOOK, markdown, true)).rejects.toThrow(/a runbook needs a "## When to use" section before "## Procedure"/);
  });

  it('refuses a snippet directive written wrongly', async () => {
    await expect(renderPage(verified, RUNBOOK, runbookBody('Run :snippet{name="health/tview-status"} now.'), true)).rejects.toThrow(/on a line of its own/);
    await expect(renderPage(verified, RUNBOOK, runbookBody('::snippet{file="health/tview-status"}'), true)).rejects.toThrow(/::snippet needs a name/);
    await expect(renderPage(verified, RUNBOOK, runbookBody('::snippet{name="../../../etc/passwd"}'), true)).rejects.toThrow(/is not a snippet name/);
  });

  it('leaves files outside content/ alone', async () => {
    const { html } = await renderPage(verified, '../elsewhere.md', '::snippet{name="health/not-there"}', true);
    expect(html).not.toContain('rb-snippet');
  });
});

describe('::snippet in astro dev', () => {
  it('renders a stale snippet with a red badge instead of failing', async () => {
    const { html } = await renderPage(fixture('stale'), RUNBOOK, runbookBody('::snippet{name="health/prepared-count"}'), false);
    const tree = fromHtml(html, { fragment: true });
    const figure = select('figure.rb-snippet', tree)!;
    expect(figure.properties.dataStatus).toBe('stale');
    const badge = select('.rb-badge--unverified', figure)!;
    expect(toText(badge)).toContain('Not verified: changed since the report');
    expect(select('.rb-badge--verified', figure)).toBeUndefined();
  });

  it('renders a missing snippet as a red box that names it', async () => {
    const { html } = await renderPage(fixture('missing'), RUNBOOK, runbookBody('::snippet{name="health/not-there"}'), false);
    const figure = select('figure.rb-snippet--broken', fromHtml(html, { fragment: true }))!;
    expect(toText(figure)).toContain('health/not-there');
    expect(toText(figure)).toContain('Snippet missing: there is no snippet file snippets/health/not-there.sql or .sh');
  });

  it('lists the problems that would stop the build at the top of the page', async () => {
    const { html } = await renderPage(verified, RUNBOOK, '## Purpose\n\nOnly a purpose.\n', false);
    const problems = select('[data-page-problems]', fromHtml(html, { fragment: true }))!;
    expect(toText(problems)).toContain('a runbook needs a "## Escalation / Next steps" section');
  });
});
