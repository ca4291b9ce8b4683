import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Root, RootContent } from 'mdast';
import { contentFiles } from '../site/check/check-site.ts';
import { categoryLabel, categoryOf } from '../site/content/categories.ts';
import { headingTitles } from '../site/content/page-rules.ts';
import { parsePage, type ParsedPage, type Problem } from '../site/content/parse-page.ts';
import { SEVERITIES, type RunbookFrontmatter } from '../site/content/runbook-frontmatter.ts';
import type { ProjectPaths } from '../site/project.ts';
import { formatDuration, formatTime, libraryVerification, onTargets, scenarioResult, targetSummary } from '../site/report/describe.ts';
import { readReport, type ReportState } from '../site/report/read-report.ts';
import { resolveScenario, type ResolvedSnippet } from '../site/report/snippet-status.ts';
import { scriptSnippetNames } from '../site/content/scripts.ts';
import { snippetPlacements, type SnippetPlacement } from '../site/content/usage.ts';
import { resolveSnippet } from '../site/report/snippet-status.ts';
import { EXPORT_MARKER, pageFile, scriptFile } from './layout.ts';
import { pageMarkdown, toMarkdown, type ExportedPage } from './page-markdown.ts';

/**
 * `runbooks export`: the runbooks as plain Markdown for reading in a repository or a terminal
 * when the site is not reachable. Writes into a folder it owns (marked by .runbooks-export):
 * it refuses a non-empty folder it did not create, and replaces its own previous export whole,
 * so a renamed runbook leaves no stale copy behind.
 */

export interface ExportResult {
  files: string[];
  /** Snippets that are not verified: marked in the Markdown, listed here. */
  unverified: ResolvedSnippet[];
  /** Problems that stop the export (a snippet with no file, a page that does not parse). */
  errors: Problem[];
  /** Things the Markdown could not carry over (MDX expressions). */
  warnings: Problem[];
}

export class ExportFolderError extends Error {}

export function exportRunbooks(paths: ProjectPaths, outDir: string): ExportResult {
  const out = path.resolve(outDir);
  prepareFolder(out, paths);
  const reportState = readReport(paths.reportFile);
  const pages = contentFiles(paths.contentDir).map((file) => parsePage(readFileSync(file, 'utf8'), file, paths));
  const context = { paths, reportState, pages: new Set(pages.map((page) => page.contentPath)) };
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const exported: { page: ParsedPage; result: ExportedPage }[] = [];

  for (const page of pages) {
    if (page.contentPath === 'index') continue;
    if (!page.tree) {
      errors.push(...page.problems);
      continue;
    }
    const result = pageMarkdown(page, context);
    warnings.push(...result.problems);
    errors.push(...result.errors);
    exported.push({ page, result });
  }

  const scripts = new Map<string, ResolvedSnippet>();
  for (const { page, result } of exported) {
    for (const snippet of result.snippets) {
      if (!snippet.snippet) {
        errors.push({ file: page.relativeFile, line: 1, column: 1, message: `snippet "${snippet.name}" is ${snippet.status}: ${snippet.reason}` });
        continue;
      }
      const target = scriptFile(snippet.name, snippet.snippet.language);
      const earlier = scripts.get(target);
      if (earlier && earlier.name !== snippet.name) {
        errors.push({ file: page.relativeFile, line: 1, column: 1, message: `snippets "${earlier.name}" and "${snippet.name}" would both be exported as ${target}` });
      }
      scripts.set(target, snippet);
    }
  }
  // The library's scripts (snippets/scripts/) are part of the plan's layout even before a page embeds one.
  for (const name of scriptSnippetNames(paths)) {
    const resolved = resolveSnippet(name, paths, reportState);
    if (resolved.snippet && ![...scripts.values()].some((snippet) => snippet.name === name)) scripts.set(scriptFile(name, resolved.snippet.language), resolved);
  }
  if (errors.length > 0) return { files: [], unverified: [], errors, warnings };

  const files: string[] = [];
  const write = (relative: string, content: string) => {
    const target = path.join(out, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    files.push(relative);
  };
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, EXPORT_MARKER), `Written by runbooks export from ${paths.root}. The whole folder is replaced on the next export.\n`);
  for (const { result } of exported) write(result.file, result.markdown);
  for (const [target, snippet] of [...scripts.entries()].sort(([a], [b]) => a.localeCompare(b))) write(target, snippet.snippet!.text);
  write('README.md', readme(exported, scripts, paths, reportState));

  const unverified = [...scripts.values()].filter((snippet) => snippet.status !== 'verified');
  return { files: files.sort(), unverified, errors, warnings };
}

/** Links to where a script is embedded, in the exported files: "TVIEW health check, “Procedure”". */
function embeddedIn(
  placements: SnippetPlacement[],
  exported: { page: ParsedPage }[],
  link: (url: string, value: string) => RootContent,
  text: (value: string) => RootContent,
): RootContent[] {
  const shown = placements.filter((placement) => exported.some(({ page }) => page.contentPath === placement.contentPath));
  if (shown.length === 0) return [text('no runbook yet')];
  return shown.flatMap((placement, index) => [
    ...(index > 0 ? [text('; ')] : []),
    link(`${pageFile(placement.contentPath)}${placement.anchor ? `#${placement.anchor}` : ''}`, `${placement.title}${placement.heading ? `, “${placement.heading}”` : ''}`),
  ]);
}

function prepareFolder(out: string, paths: ProjectPaths): void {
  if (!existsSync(out)) return;
  const entries = readdirSync(out);
  if (entries.length === 0) return;
  if (!entries.includes(EXPORT_MARKER)) {
    throw new ExportFolderError(`${out} is not empty and was not written by runbooks export (no ${EXPORT_MARKER}); choose another --out or empty it`);
  }
  const inside = path.relative(out, paths.root);
  if (inside === '' || !inside.startsWith('..')) throw new ExportFolderError(`${out} holds the project itself; choose another --out`);
  rmSync(out, { recursive: true, force: true });
}

function readme(exported: { page: ParsedPage; result: ExportedPage }[], scripts: Map<string, ResolvedSnippet>, paths: ProjectPaths, reportState: ReportState): string {
  const text = (value: string) => ({ type: 'text' as const, value });
  const paragraph = (...children: RootContent[]) => ({ type: 'paragraph', children }) as RootContent;
  const heading = (depth: 1 | 2 | 3, value: string, id?: string) => ({ type: 'heading', depth, children: [text(value)], data: id ? { id } : undefined }) as RootContent;
  const link = (url: string, value: string) => ({ type: 'link', url, children: [text(value)] }) as RootContent;
  const list = (items: RootContent[][]) => ({ type: 'list', ordered: false, spread: false, children: items.map((children) => ({ type: 'listItem', spread: false, children: [paragraph(...children)] })) }) as RootContent;
  // An item with details under it: `- [Title](file): …` then `  - When to use: …`.
  const nestedList = (items: { item: RootContent[]; details: RootContent[][] }[]) =>
    ({
      type: 'list',
      ordered: false,
      spread: false,
      children: items.map(({ item, details }) => ({ type: 'listItem', spread: false, children: [paragraph(...item), ...(details.length > 0 ? [list(details)] : [])] })),
    }) as RootContent;

  const runbooks = exported
    .map(({ page, result }) => ({ page, result, runbook: result.runbook }))
    .filter((item): item is typeof item & { runbook: RunbookFrontmatter } => item.runbook !== undefined && item.page.category !== undefined);
  const rank = (severity: RunbookFrontmatter['severity']) => SEVERITIES.indexOf(severity);
  const symptoms = runbooks
    .flatMap(({ page, result, runbook }) => runbook.symptoms.map((symptom) => ({ symptom, page, result, runbook })))
    .sort((a, b) => rank(b.runbook.severity) - rank(a.runbook.severity) || a.symptom.text.localeCompare(b.symptom.text));
  const snippetsOk = [...scripts.values()].filter((snippet) => snippet.status === 'verified').length;

  const children: RootContent[] = [heading(1, 'pg_tviews operations runbooks')];
  children.push(
    paragraph(
      text('Exported from the runbook site by '),
      { type: 'inlineCode', value: 'runbooks export' },
      text('. The site is the primary form (npm run build && npm start); this folder is for reading where the site cannot be reached. Run every command from this folder: scripts are in '),
      { type: 'inlineCode', value: 'scripts/' },
      text('.'),
    ),
  );
  children.push(heading(2, 'Verification'));
  if (reportState.kind === 'ok') {
    const report = reportState.report;
    const library = libraryVerification(report);
    children.push(
      paragraph(
        text(
          [
            `Snippets were ${library.verified} (run finished ${formatTime(report.generatedAt)}, ${formatDuration(report.summary.durationMs)}).`,
            library.scope,
            library.partial,
            `${snippetsOk} of ${scripts.size} exported snippets are verified; the others are marked NOT VERIFIED where they appear.`,
          ]
            .filter(Boolean)
            .join(' '),
        ),
      ),
    );
    children.push(heading(3, 'Targets'));
    children.push(list(report.targets.map((target) => [text(targetSummary(target))])));
    if (report.scenarios.length > 0) {
      children.push(heading(3, 'Scenarios'));
      children.push(list(report.scenarios.map((scenario) => [text(`${scenario.title} (${scenario.name}), proves ${scenario.runbook}: ${scenarioResult(resolveScenario(scenario.name, paths, reportState))}`)])));
    }
  } else {
    children.push(paragraph(text('There was no valid verification report (reports/verify.json) when this was exported: no snippet is verified.')));
  }

  children.push(heading(2, 'I have an incident'));
  children.push(
    symptoms.length === 0
      ? paragraph(text('No runbook lists a symptom yet.'))
      : list(
          symptoms.map(({ symptom, page, runbook }) => {
            const step = symptom.step ?? 'procedure';
            const stepTitle = (page.tree && headingTitles(page.tree).get(step)) ?? step;
            return [
              { type: 'strong', children: [text(symptom.text)] } as RootContent,
              text(' → '),
              link(`${pageFile(page.contentPath)}#${step}`, String(page.data?.title ?? page.contentPath)),
              text(`, start at “${stepTitle}” (${runbook.severity})`),
            ];
          }),
        ),
  );

  children.push(heading(2, 'Runbooks'));
  children.push(paragraph(text('In the plan\'s layout: one folder per category, then the scripts. Each runbook with when to use it and the symptoms that lead to it.')));
  const categories = [...new Set(runbooks.map(({ page }) => page.category!))].sort();
  for (const category of categories) {
    children.push(heading(3, `${categoryLabel(category)} (${category}/)`));
    children.push(
      nestedList(
        runbooks
          .filter(({ page }) => categoryOf(page.contentPath) === category)
          .map(({ page, runbook }) => ({
            item: [
              link(pageFile(page.contentPath), String(page.data?.title ?? page.contentPath)),
              text(`: ${String(page.data?.description ?? '')} (${runbook.severity}, ${runbook.timeRequired})`),
            ],
            details: [
              [{ type: 'strong', children: [text('When to use:')] } as RootContent, text(` ${runbook.whenToUse}`)],
              ...(runbook.symptoms.length > 0 ? [[{ type: 'strong', children: [text('Symptoms:')] } as RootContent, text(` ${runbook.symptoms.map((symptom) => `“${symptom.text}”`).join('; ')}`)]] : []),
            ],
          })),
      ),
    );
  }
  const others = exported.filter(({ page }) => !runbooks.some((runbook) => runbook.page === page));
  if (others.length > 0) {
    children.push(heading(3, 'Other pages'));
    children.push(list(others.map(({ page }) => [link(pageFile(page.contentPath), String(page.data?.title ?? page.contentPath))])));
  }

  const placements = snippetPlacements(paths);
  const verification = (snippet: ResolvedSnippet) => (snippet.coverage ? `verified on ${onTargets(snippet.coverage.passed)}` : `NOT VERIFIED (${snippet.status})`);
  const sorted = [...scripts.entries()].sort(([a], [b]) => a.localeCompare(b));
  const standalone = sorted.filter(([, snippet]) => snippet.name.startsWith('scripts/'));
  const commands = sorted.filter(([, snippet]) => !snippet.name.startsWith('scripts/'));

  children.push(heading(2, 'Scripts'));
  children.push(
    paragraph(
      text('Scripts to run on their own, from this folder: '),
      { type: 'inlineCode', value: 'psql -X -f scripts/<name>.sql' } as RootContent,
      text(' or '),
      { type: 'inlineCode', value: 'bash scripts/<name>.sh' } as RootContent,
      text('. The runbook that embeds each one says when to run it and how to read its output.'),
    ),
  );
  children.push(
    standalone.length === 0
      ? paragraph(text('No scripts yet.'))
      : nestedList(
          standalone.map(([target, snippet]) => ({
            item: [link(target, target), text(`: ${snippet.snippet?.header?.title ?? snippet.name}, ${verification(snippet)}`)],
            details: [
              [{ type: 'strong', children: [text('What it does:')] } as RootContent, text(` ${snippet.snippet?.header?.description ?? ''}`)],
              [{ type: 'strong', children: [text('Embedded in:')] } as RootContent, text(' '), ...embeddedIn(placements.get(snippet.name) ?? [], exported, link, text)],
            ],
          })),
        ),
  );

  children.push(heading(2, 'Command files'));
  children.push(
    paragraph(
      text('Every other command of the runbooks: the snippet file each runbook embeds, unchanged, named '),
      { type: 'inlineCode', value: 'scripts/<area>-<name>' } as RootContent,
      text(' after the snippet.'),
    ),
  );
  children.push(
    commands.length === 0
      ? paragraph(text('No runbook embeds a snippet yet.'))
      : list(commands.map(([target, snippet]) => [link(target, target), text(`: ${snippet.snippet?.header?.title ?? snippet.name}, ${verification(snippet)}`)])),
  );
  return toMarkdown({ type: 'root', children } as Root);
}
