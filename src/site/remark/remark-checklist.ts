import path from 'node:path';
import type { List, Paragraph, Root, RootContent } from 'mdast';
import type { VFile } from 'vfile';
import { checkChecklist, checklistItems, isChecklistFrontmatter } from '../content/checklist.ts';
import { checkboxId, renderCheckbox, renderChecklistPanel, renderTickTime } from '../render/checklist-panel.ts';
import { toMdast } from '../render/hast.ts';

/**
 * remark plugin for checklist pages (`checklist: true` in the frontmatter): every task list
 * item (`- [ ] …`) becomes a real checkbox with its text as the label and a place for the time
 * it was ticked, and the incident panel goes before the first list. The page script
 * (client/checklist.ts) enables the boxes, keeps ticks in localStorage and exports Markdown.
 * Other pages' task lists stay as GFM renders them.
 *
 * The rules of a checklist (every item linked to a step, none ticked in the source) are the
 * build check's (check-page.ts); in `astro dev` they are reported as warnings.
 */

export interface RemarkChecklistOptions {
  /** content/ of the project, to skip Markdown that is not a page (as the snippet plugin does). */
  contentDir: string;
  strict: boolean;
}

export function remarkChecklist(options: RemarkChecklistOptions) {
  return function transform(tree: Root, file: VFile): void {
    if (!file.path || path.relative(options.contentDir, file.path).startsWith('..')) return;
    const frontmatter = (file.data as { astro?: { frontmatter?: Record<string, unknown> } }).astro?.frontmatter;
    if (!isChecklistFrontmatter(frontmatter)) return;
    if (!options.strict) for (const problem of checkChecklist(tree)) file.message(problem.message, { place: problem });
    const items = checklistItems(tree);
    if (items.length === 0) return;

    const lists = new Set<List>();
    for (const item of items) {
      const { node } = item;
      const [first, ...rest] = node.children;
      // An item without text (refused by the build check) stays as GFM renders it.
      if (first?.type !== 'paragraph') continue;
      // Our own checkbox replaces the disabled one remark-rehype would draw for `checked`.
      node.checked = null;
      node.data = { ...node.data, hProperties: { ...(node.data?.hProperties ?? {}), className: ['rb-check'], dataCheck: item.id } };
      // A label element is not unwrapped the way a tight list's paragraph is.
      (first as Paragraph).data = { ...first.data, hName: 'label', hProperties: { htmlFor: [checkboxId(item.id)], className: ['rb-check__label'] } };
      node.children = [toMdast(renderCheckbox(item.id)) as unknown as Paragraph, first, toMdast(renderTickTime(item.id)) as unknown as Paragraph, ...rest];
      if (!lists.has(item.list)) {
        lists.add(item.list);
        item.list.data = { ...item.list.data, hProperties: { ...(item.list.data?.hProperties ?? {}), className: ['rb-checklist'], dataChecklistSection: item.section } };
      }
    }

    // The panel goes before the first list's section heading (under `## Procedure`), or before the list itself.
    const first = items[0];
    const anchor: RootContent = first.heading && first.heading.depth > 2 && tree.children.includes(first.heading) ? first.heading : first.block;
    tree.children.splice(tree.children.indexOf(anchor), 0, toMdast(renderChecklistPanel(items.length)) as unknown as RootContent);
  };
}
