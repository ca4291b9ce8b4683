import { readFileSync } from 'node:fs';
import { contentFiles } from '../check/check-site.ts';
import type { ProjectPaths } from '../project.ts';
import { findSnippetDirectives } from './page-rules.ts';
import { parsePage } from './parse-page.ts';

/** Which content pages embed each snippet (snippet name → content paths), for the report page. */
export function snippetUsage(paths: ProjectPaths): Map<string, string[]> {
  const usage = new Map<string, string[]>();
  for (const file of contentFiles(paths.contentDir)) {
    const page = parsePage(readFileSync(file, 'utf8'), file, paths);
    if (!page.tree) continue;
    for (const { name } of findSnippetDirectives(page.tree).directives) {
      const pages = usage.get(name) ?? [];
      if (!pages.includes(page.contentPath)) pages.push(page.contentPath);
      usage.set(name, pages);
    }
  }
  return usage;
}
