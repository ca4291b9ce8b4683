import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePage, type Problem } from '../content/parse-page.ts';
import type { ProjectPaths } from '../project.ts';
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
  for (const file of files) {
    const page = parsePage(readFileSync(file, 'utf8'), file, paths);
    const result = checkPage(page, paths, reportState);
    problems.push(...result.problems);
    references.set(page.contentPath, result.references);
  }
  return { problems, pages: files.length, references };
}

export function formatProblems(problems: Problem[]): string {
  return problems.map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`).join('\n');
}
