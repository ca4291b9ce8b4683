import path from 'node:path';
import type { Element } from 'hast';
import type { Root, RootContent } from 'mdast';
import type { LeafDirective } from 'mdast-util-directive';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { categoryOf } from '../content/categories.ts';
import { checkRequiredSections, findSnippetDirectives } from '../content/page-rules.ts';
import { withLiveLint, withLiveNote } from '../dev/live-state.ts';
import type { ProjectPaths } from '../project.ts';
import { readReport } from '../report/read-report.ts';
import { resolveSnippet, type ResolvedSnippet } from '../report/snippet-status.ts';
import { toMdast } from '../render/hast.ts';
import { renderPageProblems } from '../render/page-problems.ts';
import { renderParameterPanel, type PageParameter } from '../render/parameter-panel.ts';
import { renderSnippetBlock } from '../render/snippet-block.ts';

/**
 * remark plugin: replaces `::snippet{name="area/name"}` (parsed by remark-directive) with the
 * snippet's rendered block, adds the page's parameter inputs before the first snippet, and
 * checks a runbook's required sections.
 *
 * strict (astro build): any snippet that is not verified, and any section problem, fails the
 * file with its line. Lenient (astro dev): the block shows a red badge and the problem is a
 * warning, so an author sees the page while fixing it; a snippet saved while `npm run dev` runs
 * also shows what its live loop found (dev/live-state.ts).
 *
 * The replacement carries its HTML as `data.hName/hProperties/hChildren`, which remark-rehype
 * turns into elements as they are; later text plugins (smart quotes) never see the code.
 */

export interface RemarkRunbookSnippetsOptions {
  paths: ProjectPaths;
  strict: boolean;
  /** Site base path ending in `/`. */
  base: string;
}

export function remarkRunbookSnippets(options: RemarkRunbookSnippetsOptions) {
  const { paths, strict, base } = options;
  return async function transform(tree: Root, file: VFile): Promise<void> {
    if (!file.path || !isInside(file.path, paths.contentDir)) return;
    const contentPath = path.relative(paths.contentDir, file.path).split(path.sep).join('/').replace(/\.mdx?$/, '');
    const failures: { message: string; place: { line: number; column: number } }[] = [];
    // Page-level problems in `astro dev`: shown on the page itself, where the author looks.
    const warnings: string[] = [];
    const report = (message: string, place: { line: number; column: number }, onPage = true) => {
      if (strict) failures.push({ message, place });
      else {
        file.message(message, { place });
        if (onPage) warnings.push(`line ${place.line}: ${message}`);
      }
    };

    if (categoryOf(contentPath) && !contentPath.endsWith('/index')) {
      for (const problem of checkRequiredSections(tree, tree.position?.end.line ?? 1)) report(problem.message, problem);
    }

    const { directives, problems } = findSnippetDirectives(tree);
    for (const problem of problems) report(problem.message, problem);
    const reportState = readReport(paths.reportFile);
    const resolved = new Map<LeafDirective, ResolvedSnippet>();
    for (const directive of directives) {
      // astro dev: lint findings of a snippet saved a moment ago, ahead of its verification.
      const result = strict ? resolveSnippet(directive.name, paths, reportState) : withLiveLint(resolveSnippet(directive.name, paths, reportState));
      resolved.set(directive.node, result);
      // The snippet's own red badge says it where the snippet is.
      if (result.status !== 'verified') report(`snippet "${directive.name}" is ${result.status}: ${result.reason}`, directive, false);
    }
    if (failures.length > 0) {
      const first = failures[0];
      const list = failures.map((failure) => `${path.relative(paths.root, file.path)}:${failure.place.line}:${failure.place.column}: ${failure.message}`).join('\n');
      file.fail(`${failures.length} problem${failures.length === 1 ? '' : 's'} in this page:\n${list}`, { place: first.place, ruleId: 'runbook', source: 'runbooks-site' });
    }
    if (warnings.length > 0) tree.children.unshift(toMdast(renderPageProblems(warnings)) as unknown as RootContent);
    if (directives.length === 0) return;

    // Before the top-level block holding the first snippet: a list item is no place for inputs.
    const firstSnippet = directives[0].node;
    const panelIndex = Math.max(tree.children.findIndex((child) => child === firstSnippet || contains(child, firstSnippet)), 0);

    const blocks = new Map<LeafDirective, Element>();
    for (const [node, result] of resolved) {
      const block = await renderSnippetBlock(result, { base });
      blocks.set(node, strict ? block : withLiveNote(block, result));
    }
    visit(tree, 'leafDirective', (node, index, parent) => {
      const block = blocks.get(node);
      if (!block || !parent || index === undefined) return;
      parent.children[index] = toMdast(block) as unknown as (typeof parent.children)[number];
    });

    const parameters = pageParameters([...resolved.values()]);
    if (parameters.length > 0) tree.children.splice(panelIndex, 0, toMdast(renderParameterPanel(parameters)) as unknown as RootContent);
  };
}

function pageParameters(snippets: ResolvedSnippet[]): PageParameter[] {
  const byName = new Map<string, PageParameter>();
  for (const { name, snippet } of snippets) {
    for (const [parameter, spec] of Object.entries(snippet?.header?.params ?? {})) {
      const known = byName.get(parameter);
      if (known) {
        if (!known.usedBy.includes(name)) known.usedBy.push(name);
      } else byName.set(parameter, { name: parameter, spec, usedBy: [name] });
    }
  }
  return [...byName.values()];
}

function contains(tree: RootContent, target: unknown): boolean {
  let found = false;
  visit(tree, (node) => {
    if (node === target) found = true;
    return found ? false : undefined;
  });
  return found;
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
