import GithubSlugger from 'github-slugger';
import type { Heading, Root } from 'mdast';
import type { LeafDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import { REQUIRED_SECTIONS } from './runbook-frontmatter.ts';

/**
 * Rules about a page's body that need only its mdast: the required sections of a runbook,
 * heading anchors, and the `::snippet{name="area/name"}` directives. Positions are those of
 * the tree, so the same rules serve the build check (parse-page) and the remark plugin.
 */

export interface BodyProblem {
  line: number;
  column: number;
  message: string;
}

export interface SnippetDirective {
  name: string;
  node: LeafDirective;
  line: number;
  column: number;
}

function at(node: { position?: { start: { line: number; column: number } } }): { line: number; column: number } {
  return { line: node.position?.start.line ?? 1, column: node.position?.start.column ?? 1 };
}

export function checkRequiredSections(tree: Root, endLine: number): BodyProblem[] {
  const problems: BodyProblem[] = [];
  const sections = tree.children.filter((node): node is Heading => node.type === 'heading' && node.depth === 2);
  const seen = new Map<string, Heading>();
  let previousIndex = -1;
  let previousTitle = '';
  for (const heading of sections) {
    const title = toString(heading).trim();
    const index = REQUIRED_SECTIONS.findIndex((required) => required === title);
    if (index < 0) {
      const nearly = REQUIRED_SECTIONS.find((required) => normalise(required) === normalise(title));
      if (nearly) problems.push({ ...at(heading), message: `section "${title}" must be written exactly "## ${nearly}"` });
      continue;
    }
    if (seen.has(title)) {
      problems.push({ ...at(heading), message: `section "## ${title}" appears twice (first on line ${at(seen.get(title)!).line})` });
      continue;
    }
    seen.set(title, heading);
    if (index < previousIndex) {
      problems.push({ ...at(heading), message: `section "## ${title}" must come before "## ${previousTitle}" (order: ${REQUIRED_SECTIONS.join(', ')})` });
    } else {
      previousIndex = index;
      previousTitle = title;
    }
  }
  for (const required of REQUIRED_SECTIONS) {
    if (seen.has(required)) continue;
    // Point where it belongs: at the next required section that exists, else at the end.
    const after = REQUIRED_SECTIONS.slice(REQUIRED_SECTIONS.indexOf(required) + 1).find((later) => seen.has(later));
    const where = after ? at(seen.get(after)!) : { line: endLine, column: 1 };
    problems.push({ ...where, message: `a runbook needs a "## ${required}" section${after ? ` before "## ${after}"` : ''}` });
  }
  return problems;
}

function normalise(title: string): string {
  return title.toLowerCase().replace(/[^a-z]/g, '');
}

/** Anchors of every heading, as the site renders them (github-slugger, in document order). */
export function headingAnchors(tree: Root): Set<string> {
  return new Set(headingTitles(tree).keys());
}

/** Heading anchor → heading text, in document order. */
export function headingTitles(tree: Root): Map<string, string> {
  const slugger = new GithubSlugger();
  const titles = new Map<string, string>();
  visit(tree, 'heading', (heading) => {
    const title = toString(heading);
    titles.set(slugger.slug(title), title);
  });
  return titles;
}

/** Every `::snippet{name=…}` of the page, and problems with ones written wrongly. */
export function findSnippetDirectives(tree: Root): { directives: SnippetDirective[]; problems: BodyProblem[] } {
  const directives: SnippetDirective[] = [];
  const problems: BodyProblem[] = [];
  visit(tree, (node) => {
    if (node.type !== 'leafDirective' && node.type !== 'textDirective' && node.type !== 'containerDirective') return;
    if (node.name !== 'snippet') return;
    const where = at(node);
    if (node.type !== 'leafDirective') {
      problems.push({ ...where, message: 'write the snippet directive on a line of its own, with two colons: ::snippet{name="area/name"}' });
      return;
    }
    const attributes = node.attributes ?? {};
    const extra = Object.keys(attributes).filter((key) => key !== 'name');
    if (extra.length > 0) problems.push({ ...where, message: `::snippet takes only a name; remove ${extra.map((key) => `"${key}"`).join(', ')}` });
    if (node.children.length > 0) problems.push({ ...where, message: '::snippet takes no [label]: the title comes from the snippet header' });
    const name = attributes.name;
    if (!name) {
      problems.push({ ...where, message: '::snippet needs a name: ::snippet{name="area/name"}' });
      return;
    }
    directives.push({ name, node, ...where });
  });
  return { directives, problems };
}
