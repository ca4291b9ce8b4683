import { readFileSync } from 'node:fs';
import type { Heading } from 'mdast';
import { toString } from 'mdast-util-to-string';
import GithubSlugger from 'github-slugger';
import { visit } from 'unist-util-visit';
import { contentFiles } from '../check/check-site.ts';
import type { ProjectPaths } from '../project.ts';
import { findSnippetDirectives } from './page-rules.ts';
import { parsePage } from './parse-page.ts';

/** Which content pages embed each snippet (snippet name → content paths), for the report page. */
export function snippetUsage(paths: ProjectPaths): Map<string, string[]> {
  const usage = new Map<string, string[]>();
  for (const [name, placements] of snippetPlacements(paths)) usage.set(name, [...new Set(placements.map((placement) => placement.contentPath))]);
  return usage;
}

/** Where a snippet is embedded: the page, and the heading the directive sits under. */
export interface SnippetPlacement {
  contentPath: string;
  /** The page's title. */
  title: string;
  /** Anchor and text of the nearest heading above the directive (`procedure`, "Procedure"). */
  anchor: string;
  heading: string;
}

/** Snippet name → every place a page embeds it, in file and document order. */
export function snippetPlacements(paths: ProjectPaths): Map<string, SnippetPlacement[]> {
  const placements = new Map<string, SnippetPlacement[]>();
  for (const file of contentFiles(paths.contentDir)) {
    const page = parsePage(readFileSync(file, 'utf8'), file, paths);
    if (!page.tree) continue;
    const directives = new Map(findSnippetDirectives(page.tree).directives.map((directive) => [directive.node, directive.name]));
    if (directives.size === 0) continue;
    const slugger = new GithubSlugger();
    let heading: { anchor: string; text: string } | undefined;
    visit(page.tree, (node) => {
      if (node.type === 'heading') {
        const text = toString(node as Heading);
        heading = { anchor: slugger.slug(text), text };
        return;
      }
      const name = node.type === 'leafDirective' ? directives.get(node) : undefined;
      if (!name) return;
      const list = placements.get(name) ?? [];
      list.push({ contentPath: page.contentPath, title: String(page.data?.title ?? page.contentPath), anchor: heading?.anchor ?? '', heading: heading?.text ?? '' });
      placements.set(name, list);
    });
  }
  return placements;
}
