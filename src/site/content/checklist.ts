import GithubSlugger from 'github-slugger';
import type { Heading, List, ListItem, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import type { BodyProblem } from './page-rules.ts';

/**
 * A checklist page (`checklist: true` in its frontmatter): its GFM task list items (`- [ ] …`)
 * are the items the reader ticks during an incident. This module finds them in the page's mdast,
 * gives each a stable id (the key its tick is stored under in the browser), and states the
 * rules a checklist keeps: items start unticked, and each one links to the step that does it.
 * The build check, the remark plugin that makes the items interactive, and the export share it.
 */

export interface ChecklistItem {
  /** Stable within the page: section anchor plus the item's first words, made unique. */
  id: string;
  /** Text of the nearest heading above the item (`1. First five minutes`). */
  section: string;
  /** That heading's anchor, as the site renders it. */
  sectionAnchor: string;
  /** The item's text, as plain text. */
  text: string;
  node: ListItem;
  list: List;
  /** The top-level node of the page that holds the item (the list, or a list it is nested in). */
  block: RootContent;
  /** The heading node of the item's section, when it is a top-level node of the page. */
  heading?: Heading;
  /** Every link target in the item's text. */
  links: string[];
  line: number;
  column: number;
}

/** What a page's frontmatter says: `checklist: true` turns its task lists into a checklist. */
export function isChecklistFrontmatter(data: Record<string, unknown> | undefined): boolean {
  return data?.checklist === true;
}

/** The task list items of a page, in document order, with their section and id. */
export function checklistItems(tree: Root): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  // Heading anchors as the site makes them: one slugger over every heading, in document order.
  const headingSlugger = new GithubSlugger();
  const anchorOf = new Map<Heading, string>();
  visit(tree, 'heading', (heading) => {
    anchorOf.set(heading, headingSlugger.slug(toString(heading)));
  });
  const idSlugger = new GithubSlugger();
  let heading: Heading | undefined;
  for (const block of tree.children) {
    if (block.type === 'heading') {
      if (block.depth >= 2) heading = block;
      continue;
    }
    visit(block, 'list', (list: List) => {
      for (const node of list.children) {
        if (typeof node.checked !== 'boolean') continue;
        const text = toString(node.children[0] ?? { type: 'text', value: '' }).replace(/\s+/g, ' ').trim();
        const sectionAnchor = heading ? anchorOf.get(heading)! : '';
        const words = text.split(' ').slice(0, 6).join(' ');
        const links: string[] = [];
        if (node.children[0]) visit(node.children[0], 'link', (link) => void links.push(link.url));
        items.push({
          id: idSlugger.slug(`${sectionAnchor} ${words}`.trim() || 'item'),
          section: heading ? toString(heading) : '',
          sectionAnchor,
          text,
          node,
          list,
          block,
          heading,
          links,
          line: node.position?.start.line ?? 1,
          column: node.position?.start.column ?? 1,
        });
      }
    });
  }
  return items;
}

/** A link that leads to a step: a heading of this page (`#…`) or of another page of the site (`/page/#…`). */
export function isStepLink(url: string): boolean {
  return /^#./.test(url) || /^\/[^#?]+\/?#./.test(url);
}

/**
 * What a checklist page must hold, each problem at its line: at least one item; every item
 * unticked in the source (ticks belong to an incident, not to the page) and linked to the step
 * that does it. Whether those links lead anywhere is the site-wide link check's job.
 */
export function checkChecklist(tree: Root): BodyProblem[] {
  const items = checklistItems(tree);
  if (items.length === 0) {
    return [{ line: 1, column: 1, message: 'a checklist page (checklist: true) needs task list items: "- [ ] Do this ([Runbook, step](/category/runbook/#step))"' }];
  }
  const problems: BodyProblem[] = [];
  for (const item of items) {
    const where = { line: item.line, column: item.column };
    if (item.node.checked) problems.push({ ...where, message: `checklist item "${shorten(item.text)}" is ticked in the page: write "- [ ]"; ticks belong to an incident and are kept in the reader's browser` });
    if (item.node.children[0]?.type !== 'paragraph' || item.text === '') {
      problems.push({ ...where, message: 'a checklist item needs text on its first line' });
      continue;
    }
    if (!item.links.some(isStepLink)) {
      problems.push({ ...where, message: `checklist item "${shorten(item.text)}" links to no step: link the heading that does it, e.g. [Health check, step 2](/01-health-monitoring/tview-health-check/#2-pg_tviews-own-health-check)` });
    }
  }
  return problems;
}

/** Content paths of the runbooks a checklist's items link to, in order of first mention. */
export function linkedPages(items: ChecklistItem[]): string[] {
  const pages: string[] = [];
  for (const item of items) {
    for (const url of item.links) {
      const match = /^\/([^#?]+?)\/?(?:#.*)?$/.exec(url);
      if (match && !pages.includes(match[1])) pages.push(match[1]);
    }
  }
  return pages;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
