import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';
import type { BodyProblem } from './page-rules.ts';

/**
 * Links between pages of the site, checked at build time: a runbook that sends the reader to
 * "step 3 of the health check" must lead to a page that exists and to a heading it has, or the
 * reader lands on a 404 or at the top of a long page at 3 a.m. Pages are written as
 * `/<content path>/` with an optional `#anchor`, or `#anchor` for the same page.
 */

/** Content path → the anchors of its headings, for every page of the site. */
export type SiteAnchors = Map<string, Set<string>>;

/** Pages the site generates itself, not from content/: their anchors are not checked. */
const GENERATED_PAGES = new Set(['', 'report']);

export function checkLinks(tree: Root, contentPath: string, site: SiteAnchors): BodyProblem[] {
  const problems: BodyProblem[] = [];
  const check = (url: string, node: { position?: { start: { line: number; column: number } } }) => {
    const where = { line: node.position?.start.line ?? 1, column: node.position?.start.column ?? 1 };
    const target = linkTarget(url, contentPath);
    if (!target || GENERATED_PAGES.has(target.page)) return;
    const anchors = site.get(target.page);
    if (!anchors) {
      problems.push({ ...where, message: `link to "${url}": there is no page content/${target.page}.mdx` });
      return;
    }
    if (target.anchor && !anchors.has(target.anchor)) {
      problems.push({ ...where, message: `link to "${url}": ${target.page === contentPath ? 'this page' : target.page} has no heading with the anchor "${target.anchor}"${nearest(target.anchor, anchors)}` });
    }
  };
  visit(tree, (node) => {
    if (node.type === 'link' || node.type === 'definition') check(node.url, node);
  });
  return problems;
}

/** The page and anchor a site link points at, or undefined for links out of the site (and mailto:, …). */
export function linkTarget(url: string, contentPath: string): { page: string; anchor?: string } | undefined {
  if (url.startsWith('#')) return { page: contentPath, anchor: decode(url.slice(1)) || undefined };
  const match = /^\/([^#?]*?)\/?(?:\?[^#]*)?(?:#(.*))?$/.exec(url);
  if (!match || url.startsWith('//')) return undefined;
  return { page: match[1], anchor: match[2] ? decode(match[2]) : undefined };
}

function decode(anchor: string): string {
  try {
    return decodeURIComponent(anchor);
  } catch {
    return anchor;
  }
}

/** " (did you mean "…"?)" when a heading anchor shares the step number or most of the words. */
function nearest(anchor: string, anchors: Set<string>): string {
  const words = new Set(anchor.split('-').filter(Boolean));
  let best: { anchor: string; score: number } | undefined;
  for (const candidate of anchors) {
    const shared = candidate.split('-').filter((word) => words.has(word)).length;
    const score = shared / Math.max(words.size, 1);
    if (score >= 0.5 && (!best || score > best.score)) best = { anchor: candidate, score };
  }
  return best ? ` (did you mean "${best.anchor}"?)` : '';
}
