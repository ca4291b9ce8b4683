import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SiteAnchors } from '../content/links.ts';
import { headingAnchors } from '../content/page-rules.ts';
import { parsePage, type Problem } from '../content/parse-page.ts';
import { scriptSnippetNames } from '../content/scripts.ts';
import { snippetFiles } from '../report/snippet-status.ts';
import { displayPath, type ProjectPaths } from '../project.ts';
import { readReport } from '../report/read-report.ts';
import { checkPage, type PageReferences } from './check-page.ts';

/**
 * The strict build's gate, run before Astro renders anything: every content page checked, and
 * every problem listed at once (Astro itself would stop at the first). `astro dev` does not
 * run it; it shows red badges instead.
 */

export interface SiteCheck {
  problems: Problem[];
  pages: number;
  /** Which pages embed which snippets and list which scenarios, by content path. */
  references: Map<string, PageReferences>;
}

/** Content files as Starlight's loader picks them: .md/.mdx, skipping names that start with `_`. */
export function contentFiles(contentDir: string): string[] {
  let entries;
  try {
    entries = readdirSync(contentDir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isFile() && /\.mdx?$/.test(entry.name) && !entry.name.startsWith('_'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

export function checkSite(paths: ProjectPaths): SiteCheck {
  const reportState = readReport(paths.reportFile);
  const problems: Problem[] = [];
  const references = new Map<string, PageReferences>();
  if (reportState.kind === 'invalid') {
    problems.push(...reportState.problems.map((message) => ({ file: path.relative(paths.root, paths.reportFile), line: 1, column: 1, message: `does not match the report schema (docs/report-schema.md): ${message}` })));
  }
  const files = contentFiles(paths.contentDir);
  const pages = files.map((file) => parsePage(readFileSync(file, 'utf8'), file, paths));
  const site: SiteAnchors = new Map(pages.map((page) => [page.contentPath, page.tree ? headingAnchors(page.tree) : new Set<string>()]));
  for (const page of pages) {
    const result = checkPage(page, paths, reportState, site);
    problems.push(...result.problems);
    references.set(page.contentPath, result.references);
  }
  // The home page and the export list every script with the runbook that embeds it, verified there.
  const embedded = new Set([...references.values()].flatMap((page) => page.snippets));
  for (const name of scriptSnippetNames(paths)) {
    if (embedded.has(name)) continue;
    const file = snippetFiles(paths, name)[0];
    problems.push({ file: file ? displayPath(paths, file) : `snippets/${name}`, line: 1, column: 1, message: `script "${name}" is embedded in no page: embed it (::snippet{name="${name}"}) in the runbook that uses it: the site shows a script only where a page embeds it, and the home page links it there` });
  }
  return { problems, pages: files.length, references };
}

export function formatProblems(problems: Problem[]): string {
  return problems.map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`).join('\n');
}
