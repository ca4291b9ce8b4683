import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromHtml } from 'hast-util-from-html';
import { select, selectAll } from 'hast-util-select';
import { toText } from 'hast-util-to-text';
import type { Root } from 'mdast';
import rehypeStringify from 'rehype-stringify';
import remarkDirective from 'remark-directive';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPage } from '../../src/site/check/check-page.ts';
import { checkSite, formatProblems } from '../../src/site/check/check-site.ts';
import { checkChecklist, checklistItems, linkedPages } from '../../src/site/content/checklist.ts';
import { checkLinks } from '../../src/site/content/links.ts';
import { headingAnchors } from '../../src/site/content/page-rules.ts';
import { parsePage } from '../../src/site/content/parse-page.ts';
import { snippetPlacements } from '../../src/site/content/usage.ts';
import { checklistFileName, checklistMarkdown, formatUtc } from '../../src/site/client/checklist-markdown.ts';
import { projectPaths } from '../../src/site/project.ts';
import { readReport } from '../../src/site/report/read-report.ts';
import { remarkChecklist } from '../../src/site/remark/remark-checklist.ts';
import { fixture, runbookBody } from './helpers.ts';

const verified = fixture('verified');
const parse = (markdown: string) => unified().use(remarkParse).use(remarkGfm).use(remarkDirective).parse(markdown) as Root;

const CHECKLIST = [
  '## Procedure',
  '',
  '### 1. First five minutes',
  '',
  '- [ ] Run the [health check](/01-health-monitoring/tview-health-check/#compare-the-tview-with-its-view)',
  '- [ ] Look at `pg_locks` ([step](#2-diagnosis))',
  '',
  '### 2. Diagnosis',
  '',
  '- [ ] Run the [health check](/01-health-monitoring/tview-health-check/#compare-the-tview-with-its-view)',
  '',
].join('\n');

describe('checklist items', () => {
  it('are the task list items, each with its section, links and an id stable across builds and unique in the page', () => {
    const items = checklistItems(parse(CHECKLIST));
    expect(items.map(({ id, section, sectionAnchor, text, links }) => ({ id, section, sectionAnchor, text, links }))).toEqual([
      { id: '1-first-five-minutes-run-the-health-check', section: '1. First five minutes', sectionAnchor: '1-first-five-minutes', text: 'Run the health check', links: ['/01-health-monitoring/tview-health-check/#compare-the-tview-with-its-view'] },
      { id: '1-first-five-minutes-look-at-pg_locks-step', section: '1. First five minutes', sectionAnchor: '1-first-five-minutes', text: 'Look at pg_locks (step)', links: ['#2-diagnosis'] },
      { id: '2-diagnosis-run-the-health-check', section: '2. Diagnosis', sectionAnchor: '2-diagnosis', text: 'Run the health check', links: ['/01-health-monitoring/tview-health-check/#compare-the-tview-with-its-view'] },
    ]);
    // The same words twice in a section still give two ids.
    expect(checklistItems(parse('- [ ] [a](#x)\n- [ ] [a](#x)\n')).map((item) => item.id)).toEqual(['a', 'a-1']);
    expect(linkedPages(items)).toEqual(['01-health-monitoring/tview-health-check']);
  });

  it('must exist, start unticked and link to a step', () => {
    expect(checkChecklist(parse('## Procedure\n\n- plain item\n'))).toEqual([{ line: 1, column: 1, message: expect.stringContaining('a checklist page (checklist: true) needs task list items') }]);
    const problems = checkChecklist(parse(['- [x] Ticked [already](#a)', '- [ ] No link at all', '- [ ] Only [outside](https://example.com/#x)', '- [ ] A page, no step [here](/01-health-monitoring/tview-health-check/)', '- [ ] Fine [step](#a)'].join('\n')));
    expect(problems.map((problem) => `${problem.line}: ${problem.message}`)).toEqual([
      '1: checklist item "Ticked already" is ticked in the page: write "- [ ]"; ticks belong to an incident and are kept in the reader\'s browser',
      expect.stringMatching(/^2: checklist item "No link at all" links to no step: link the heading that does it/),
      expect.stringMatching(/^3: checklist item "Only outside" links to no step/),
      expect.stringMatching(/^4: checklist item "A page, no step here" links to no step/),
    ]);
    expect(checkChecklist(parse(CHECKLIST))).toEqual([]);
  });
});

describe('the checklist page check', () => {
  const frontmatter = (extra: string) =>
    `---\ntitle: Incident checklist\ndescription: Tick each step of an incident as you do it.\n${extra}runbook:\n  severity: high\n  whenToUse: An incident is open.\n  frequency: During an incident\n  timeRequired: 15-60 min\n  prerequisites: [the incident channel]\n---\n`;
  const check = (text: string) => {
    const page = parsePage(text, path.join(verified.contentDir, '04-incident-response/checklist.mdx'), verified);
    return checkPage(page, verified, readReport(verified.reportFile)).problems.map((problem) => `${problem.line}: ${problem.message}`);
  };

  it('applies the checklist rules only to pages that say checklist: true, and checks the flag', () => {
    const body = runbookBody('- [ ] No link\n');
    expect(check(frontmatter('') + body)).toEqual([]);
    expect(check(frontmatter('checklist: true\n') + body)).toEqual([expect.stringMatching(/^\d+: checklist item "No link" links to no step/)]);
    expect(check(frontmatter('checklist: yes\n') + body)).toEqual([expect.stringMatching(/^4: frontmatter 'checklist': true or false/)]);
  });
});

describe('links between pages', () => {
  const site = new Map([
    ['01-health-monitoring/tview-health-check', new Set(['procedure', '2-pg_tviews-own-health-check'])],
    ['04-incident-response/incident-checklist', new Set(['procedure', 'verify'])],
  ]);
  const links = (markdown: string) => checkLinks(parse(markdown), '04-incident-response/incident-checklist', site).map((problem) => `${problem.line}: ${problem.message}`);

  it('accept pages and headings that exist, the generated pages, and links out of the site', () => {
    expect(
      links(
        ['[a](/01-health-monitoring/tview-health-check/#procedure)', '[b](/01-health-monitoring/tview-health-check)', '[c](#verify)', '[d](/)', '[e](/report/#snippet--x)', '[f](https://example.com/a/#b)', '[g](mailto:x@example.com)'].join('\n\n'),
      ),
    ).toEqual([]);
  });

  it('name a page that does not exist and a heading that does not, with the nearest anchor', () => {
    expect(links(['[a](/03-maintenance/connection-management/#3-terminate)', '', '[b](/01-health-monitoring/tview-health-check/#2-pg_tviews-health-check)', '', '[c](#rollback)', '', '[d]: /01-health-monitoring/nope/', '', 'See [d].'].join('\n'))).toEqual([
      '1: link to "/03-maintenance/connection-management/#3-terminate": there is no page content/03-maintenance/connection-management.mdx',
      '3: link to "/01-health-monitoring/tview-health-check/#2-pg_tviews-health-check": 01-health-monitoring/tview-health-check has no heading with the anchor "2-pg_tviews-health-check" (did you mean "2-pg_tviews-own-health-check"?)',
      '5: link to "#rollback": this page has no heading with the anchor "rollback"',
      '7: link to "/01-health-monitoring/nope/": there is no page content/01-health-monitoring/nope.mdx',
    ]);
  });
});

describe('the checklist on the site', () => {
  async function render(markdown: string, frontmatter: Record<string, unknown>): Promise<string> {
    const file = new VFile({ path: path.join(verified.contentDir, '04-incident-response/incident-checklist.mdx'), value: markdown, data: { astro: { frontmatter } } });
    const processor = unified().use(remarkParse).use(remarkGfm).use(remarkDirective).use(remarkChecklist, { contentDir: verified.contentDir, strict: true }).use(remarkRehype).use(rehypeStringify);
    return processor.stringify(await processor.run(processor.parse(file), file), file);
  }

  it('makes each item a real checkbox, disabled until the page script runs, labelled by the item and described by its tick time', async () => {
    const tree = fromHtml(await render(runbookBody(CHECKLIST.replace('## Procedure\n', '')), { checklist: true }), { fragment: true });
    const lists = selectAll('ul.rb-checklist', tree);
    expect(lists.map((list) => list.properties.dataChecklistSection)).toEqual(['1. First five minutes', '2. Diagnosis']);
    const items = selectAll('li.rb-check', tree);
    expect(items).toHaveLength(3);
    const first = items[0];
    expect(first.properties.dataCheck).toBe('1-first-five-minutes-run-the-health-check');
    const box = select('input[type="checkbox"]', first)!;
    expect(box.properties).toMatchObject({ id: 'rb-check-1-first-five-minutes-run-the-health-check', disabled: true, ariaDescribedBy: ['rb-check-1-first-five-minutes-run-the-health-check-time'] });
    const label = select('label', first)!;
    expect(label.properties.htmlFor).toEqual(['rb-check-1-first-five-minutes-run-the-health-check']);
    expect(toText(label)).toBe('Run the health check');
    expect(select('a', label)!.properties.href).toBe('/01-health-monitoring/tview-health-check/#compare-the-tview-with-its-view');
    expect(select('#rb-check-1-first-five-minutes-run-the-health-check-time', first)!.properties.dataCheckTime).toBe('');
    // GFM's own (unlabelled) checkbox is gone.
    expect(selectAll('input', first)).toHaveLength(1);
  });

  it('puts the incident panel before the first section, its fields disabled and its buttons hidden until the script runs', async () => {
    const html = await render(runbookBody(`Intro.\n\n${CHECKLIST.replace('## Procedure\n', '')}`), { checklist: true });
    const tree = fromHtml(html, { fragment: true });
    const panel = select('section.rb-checklist-panel', tree)!;
    expect(html.indexOf('rb-checklist-panel')).toBeGreaterThan(html.indexOf('<p>Intro.</p>'));
    expect(html.indexOf('rb-checklist-panel')).toBeLessThan(html.indexOf('<h3>1. First five minutes</h3>'));
    expect(select('fieldset', panel)!.properties.disabled).toBe(true);
    expect(select('[data-checklist-actions]', panel)!.properties.hidden).toBe(true);
    expect(selectAll('button', panel).map((button) => toText(button))).toEqual(['Copy as Markdown', 'Download Markdown', 'Start a new incident']);
    expect(toText(select('[data-checklist-progress]', panel)!)).toBe('0 of 3 items ticked');
    for (const control of selectAll('input, textarea', panel)) expect(toText(select(`label[for="${control.properties.id}"]`, panel)!).length).toBeGreaterThan(5);
  });

  it('leaves the task lists of other pages as GFM renders them', async () => {
    const html = await render(runbookBody(CHECKLIST.replace('## Procedure\n', '')), { checklist: false });
    expect(html).not.toContain('rb-check');
    expect(html).toContain('<input type="checkbox" disabled>');
  });
});

describe('the Markdown for the incident channel', () => {
  const snapshot = {
    title: 'Incident checklist',
    url: 'https://runbooks.example/04-incident-response/incident-checklist/',
    incident: '  INC-7\n db down ',
    startedAt: '2026-05-01T23:59:30.000Z',
    exportedAt: '2026-05-02T00:10:00.000Z',
    notes: 'line one\r\nline two\n',
    sections: [{ title: '1. First', items: [{ markdown: 'Do [this](https://runbooks.example/a/#b)\n  now', tickedAt: '2026-05-02T00:01:02.000Z' }, { markdown: 'Then `that`' }] }],
  };

  it('gives the title, the start, each item ticked with its time or not, and the notes', () => {
    expect(checklistMarkdown(snapshot)).toBe(
      [
        '# Incident checklist: INC-7 db down',
        '',
        '- Checklist: [Incident checklist](https://runbooks.example/04-incident-response/incident-checklist/)',
        '- Started: 2026-05-01 23:59:30 UTC',
        '- Exported: 2026-05-02 00:10:00 UTC',
        '- Ticked: 1 of 2',
        '',
        '## 1. First',
        '',
        '- [x] Do [this](https://runbooks.example/a/#b) now (ticked 2026-05-02 00:01:02 UTC)',
        '- [ ] Then `that`',
        '',
        '## Notes',
        '',
        'line one\nline two',
        '',
      ].join('\n'),
    );
  });

  it('says what was not recorded, and names the file after the start', () => {
    const blank = { ...snapshot, incident: '', startedAt: undefined, notes: ' ' };
    const markdown = checklistMarkdown(blank);
    expect(markdown).toMatch(/^# Incident checklist\n/);
    expect(markdown).toContain('- Started: not recorded');
    expect(markdown).toMatch(/## Notes\n\n\(none\)\n$/);
    expect(checklistFileName(snapshot)).toBe('incident-checklist-2026-05-01T2359Z.md');
    expect(checklistFileName(blank)).toBe('incident-checklist-2026-05-02T0010Z.md');
    expect(formatUtc('not a time')).toBe('not a time');
  });
});

describe('scripts in the index', () => {
  const temporary: string[] = [];
  afterEach(() => {
    for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('knows where each script is embedded: the page and the heading above it', () => {
    expect(snippetPlacements(verified).get('scripts/prepared-count')).toEqual([
      { contentPath: '01-health-monitoring/tview-health-check', title: 'TVIEW health check', anchor: 'count-prepared-transactions', heading: 'Count prepared transactions' },
    ]);
  });

  it('refuses a script that no page embeds, naming its file', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'runbooks-scripts-'));
    temporary.push(root);
    cpSync(verified.root, root, { recursive: true, filter: (source) => !/\/(dist|\.astro|node_modules)$/.test(source) });
    writeFileSync(path.join(root, 'snippets/scripts/lonely.sql'), readFileSync(path.join(root, 'snippets/scripts/prepared-count.sql'), 'utf8'));
    expect(formatProblems(checkSite(projectPaths(root)).problems)).toBe(
      'snippets/scripts/lonely.sql:1:1: script "scripts/lonely" is embedded in no page: embed it (::snippet{name="scripts/lonely"}) in the runbook that uses it: the site shows a script only where a page embeds it, and the home page links it there',
    );
  });

  it('refuses a link to a heading another page does not have', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'runbooks-links-'));
    temporary.push(root);
    cpSync(verified.root, root, { recursive: true, filter: (source) => !/\/(dist|\.astro|node_modules)$/.test(source) });
    const file = path.join(root, 'content/04-incident-response/incident-checklist.mdx');
    writeFileSync(file, readFileSync(file, 'utf8').replace('#finish-the-transaction', '#finish-it'));
    expect(formatProblems(checkSite(projectPaths(root)).problems)).toMatch(
      /^content\/04-incident-response\/incident-checklist.mdx:\d+:\d+: link to "\/04-incident-response\/stuck-prepared-transaction\/#finish-it": 04-incident-response\/stuck-prepared-transaction has no heading with the anchor "finish-it" \(did you mean "finish-the-transaction"\?\)$/,
    );
  });
});

describe('the real incident checklist (content/04-incident-response/incident-checklist.mdx)', () => {
  const paths = projectPaths(path.join(import.meta.dirname, '../..'));
  const file = path.join(paths.contentDir, '04-incident-response/incident-checklist.mdx');

  it('passes the page rules, and each of its items links to a step that exists', () => {
    const pages = checkSite(paths);
    const own = pages.problems.filter((problem) => problem.file === 'content/04-incident-response/incident-checklist.mdx');
    expect(formatProblems(own)).toBe('');
    const page = parsePage(readFileSync(file, 'utf8'), file, paths);
    const items = checklistItems(page.tree!);
    expect(items.length).toBeGreaterThanOrEqual(20);
    expect(new Set(items.map((item) => item.sectionAnchor))).toEqual(new Set(['1-first-five-minutes', '2-diagnosis', '3-mitigation', '4-verification', '5-hand-over']));
    // Steps on other runbooks, not just the page tops.
    for (const item of items) expect(item.links.some((url) => /#./.test(url)), item.text).toBe(true);
    expect(headingAnchors(page.tree!).has('procedure')).toBe(true);
  });
});
