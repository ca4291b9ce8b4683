import type { BlockContent, Link, Nodes, Parent, PhrasingContent, Root, RootContent } from 'mdast';
import type { LeafDirective } from 'mdast-util-directive';
import { directiveToMarkdown } from 'mdast-util-directive';
import { toMarkdown as directiveSource } from 'mdast-util-to-markdown';
import remarkGfm from 'remark-gfm';
import remarkStringify from 'remark-stringify';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { isChecklistFrontmatter } from '../site/content/checklist.ts';
import { linkedRunbooks, scenarioCount, type LinkedRunbook } from '../site/content/linked-runbooks.ts';
import { findSnippetDirectives } from '../site/content/page-rules.ts';
import { frontmatterPosition, type ParsedPage, type Problem } from '../site/content/parse-page.ts';
import { runbookFrontmatterSchema, type RunbookFrontmatter } from '../site/content/runbook-frontmatter.ts';
import type { ProjectPaths } from '../site/project.ts';
import type { ReportState } from '../site/report/read-report.ts';
import { scenarioResult } from '../site/report/describe.ts';
import { resolveScenario, resolveSnippet, type ResolvedSnippet } from '../site/report/snippet-status.ts';
import { pageFile, relativeLink } from './layout.ts';
import { snippetMarkdown } from './snippet-markdown.ts';

/**
 * One content page as plain Markdown: its frontmatter turned into a title and a summary list,
 * snippets inlined (see snippet-markdown.ts), and what only the site can render turned into
 * plain Markdown: Starlight asides become quotes, MDX components keep their text, imports and
 * expressions go (with a warning), links between pages point at the exported files.
 */

export interface ExportContext {
  paths: ProjectPaths;
  reportState: ReportState;
  /** Content paths of every page being exported, to rewrite links between them. */
  pages: Set<string>;
}

export interface ExportedPage {
  file: string;
  markdown: string;
  snippets: ResolvedSnippet[];
  /** The page's `runbook:` frontmatter with defaults applied, when it has a valid one. */
  runbook?: RunbookFrontmatter;
  /** Things the Markdown cannot carry over (MDX expressions). */
  problems: Problem[];
  /** A `runbook:` block that does not match the schema. */
  errors: Problem[];
}

const ASIDE_LABELS: Record<string, string> = { note: 'Note', tip: 'Tip', caution: 'Caution', danger: 'Danger' };

export function pageMarkdown(page: ParsedPage, context: ExportContext): ExportedPage {
  const file = pageFile(page.contentPath);
  const problems: Problem[] = [];
  const warn = (node: Nodes, message: string) => problems.push({ file: page.relativeFile, line: node.position?.start.line ?? 1, column: node.position?.start.column ?? 1, message });
  const tree: Root = page.tree ?? { type: 'root', children: [] };
  const snippets: ResolvedSnippet[] = [];

  const replacements = new Map<LeafDirective, BlockContent[]>();
  for (const directive of findSnippetDirectives(tree).directives) {
    const resolved = resolveSnippet(directive.name, context.paths, context.reportState);
    snippets.push(resolved);
    replacements.set(directive.node, snippetMarkdown(resolved));
  }

  rewrite(tree, (node) => {
    if (node.type === 'leafDirective' && replacements.has(node)) return replacements.get(node)!;
    if (node.type === 'containerDirective' && ASIDE_LABELS[node.name]) {
      const [first, ...rest] = node.children;
      const labelled = first?.type === 'paragraph' && first.data?.directiveLabel;
      const title = labelled ? (first.children as PhrasingContent[]) : [{ type: 'text', value: ASIDE_LABELS[node.name] } as PhrasingContent];
      const body = (labelled ? rest : node.children) as BlockContent[];
      return [{ type: 'blockquote', children: [{ type: 'paragraph', children: [{ type: 'strong', children: [...title, { type: 'text', value: ':' }] }] }, ...body] }];
    }
    const mdx = node as { type: string; name?: string | null; attributes?: { name?: string; value?: unknown }[]; children?: RootContent[] };
    if (mdx.type === 'mdxjsEsm') return [];
    if (mdx.type === 'mdxFlowExpression' || mdx.type === 'mdxTextExpression') {
      warn(node, 'an MDX expression cannot be exported; it is left out of the Markdown');
      return [];
    }
    if (mdx.type === 'mdxJsxFlowElement' || mdx.type === 'mdxJsxTextElement') {
      const children = (mdx.children ?? []) as RootContent[];
      if (mdx.name === 'Aside') {
        const attribute = (key: string) => mdx.attributes?.find((candidate) => candidate.name === key)?.value;
        const kind = typeof attribute('type') === 'string' ? String(attribute('type')) : 'note';
        const title = typeof attribute('title') === 'string' ? String(attribute('title')) : (ASIDE_LABELS[kind] ?? 'Note');
        return [{ type: 'blockquote', children: [{ type: 'paragraph', children: [{ type: 'strong', children: [{ type: 'text', value: `${title}:` }] }] }, ...(children as BlockContent[])] }];
      }
      return children;
    }
    // Any other directive was never meant as one (`ratio:high` in prose): put its text back.
    if (node.type === 'textDirective' || node.type === 'leafDirective' || node.type === 'containerDirective') {
      const source = directiveSource(node, { extensions: [directiveToMarkdown()] }).replace(/\n$/, '');
      const restored: PhrasingContent = { type: 'text', value: source };
      return [node.type === 'textDirective' ? restored : ({ type: 'paragraph', children: [restored] } as RootContent)];
    }
    return undefined;
  });

  visit(tree, 'link', (link: Link) => {
    const match = /^\/([^#?]*?)\/?(#.*)?$/.exec(link.url);
    if (!match) return;
    if (context.pages.has(match[1])) link.url = relativeLink(file, pageFile(match[1])) + (match[2] ?? '');
    else if (match[1] === '' || match[1] === 'report') link.url = relativeLink(file, 'README.md') + (match[1] === 'report' ? '#verification' : '');
  });

  const head: RootContent[] = [{ type: 'heading', depth: 1, children: [{ type: 'text', value: String(page.data?.title ?? page.contentPath) }] }];
  if (typeof page.data?.description === 'string') head.push({ type: 'paragraph', children: [{ type: 'emphasis', children: [{ type: 'text', value: page.data.description }] }] });
  const errors: Problem[] = [];
  let runbook: RunbookFrontmatter | undefined;
  if (page.data?.runbook !== undefined) {
    const parsed = runbookFrontmatterSchema.safeParse(page.data.runbook);
    if (parsed.success) runbook = parsed.data;
    else {
      for (const issue of parsed.error.issues) {
        const { line, column } = frontmatterPosition(page, ['runbook', ...(issue.path as (string | number)[])]);
        errors.push({ file: page.relativeFile, line, column, message: `frontmatter 'runbook.${issue.path.join('.')}': ${issue.message}` });
      }
    }
  }
  if (runbook) head.push(summaryList(runbook, file, context, isChecklistFrontmatter(page.data) ? linkedRunbooks(context.paths, page.contentPath, context.reportState) : []));

  const markdown = toMarkdown({ type: 'root', children: [...head, ...tree.children] });
  return { file, markdown, snippets, runbook, problems, errors };
}

function summaryList(runbook: RunbookFrontmatter, file: string, context: ExportContext, linked: LinkedRunbook[]): RootContent {
  const item = (label: string, ...value: PhrasingContent[]) => ({
    type: 'listItem' as const,
    spread: false,
    children: [{ type: 'paragraph' as const, children: [{ type: 'strong' as const, children: [{ type: 'text' as const, value: `${label}:` }] }, { type: 'text' as const, value: ' ' }, ...value] }],
  });
  const text = (value: string): PhrasingContent => ({ type: 'text', value });
  const scenarios = runbook.scenarios.map((name) => {
    const scenario = resolveScenario(name, context.paths, context.reportState);
    // Upper case for a scenario that did not pass, as NOT VERIFIED is for snippets: it must stand out in plain text.
    const result = scenario.status === 'passed' ? scenarioResult(scenario) : `${scenario.status.toUpperCase()}: ${scenario.reason}`;
    const label = `${scenario.entry?.title ?? name} (${result})`;
    return { type: 'link', url: relativeLink(file, 'README.md#scenarios'), children: [text(label)] } as PhrasingContent;
  });
  return {
    type: 'list',
    ordered: false,
    spread: false,
    children: [
      item('Severity', text(runbook.severity)),
      item('When to use', text(runbook.whenToUse)),
      item('How often', text(runbook.frequency)),
      item('Time it takes', text(runbook.timeRequired)),
      item('Prerequisites', text(runbook.prerequisites.join('; '))),
      item('Proven by', ...(linked.length > 0 ? provenByLinked(linked, file) : scenarios.length === 0 ? [text('no scenario yet')] : scenarios.flatMap((link, index) => (index === 0 ? [link] : [text('; '), link])))),
    ],
  };
}

/** A checklist's "Proven by": the runbooks its items link to, each with its scenarios. */
function provenByLinked(linked: LinkedRunbook[], file: string): PhrasingContent[] {
  const parts: PhrasingContent[] = [{ type: 'text', value: 'the steps its items link to, each proven by its runbook\'s scenarios: ' }];
  linked.forEach((runbook, index) => {
    if (index > 0) parts.push({ type: 'text', value: '; ' });
    parts.push({ type: 'link', url: relativeLink(file, pageFile(runbook.contentPath)), children: [{ type: 'text', value: runbook.title }] });
    parts.push({ type: 'text', value: ` (${scenarioCount(runbook)})` });
  });
  return parts;
}

/**
 * Replaces nodes bottom-up: `replace` returns the nodes to put instead (possibly none), or
 * undefined to keep the node and look inside it.
 */
function rewrite(parent: Parent, replace: (node: RootContent) => RootContent[] | undefined): void {
  const children: RootContent[] = [];
  for (const child of parent.children as RootContent[]) {
    const replacement = replace(child);
    if (replacement === undefined) {
      if ('children' in child) rewrite(child as Parent, replace);
      children.push(child);
      continue;
    }
    // What came out of an MDX element may hold more to rewrite.
    const holder: Parent = { type: 'root', children: replacement } as Root;
    rewrite(holder, replace);
    children.push(...(holder.children as RootContent[]));
  }
  parent.children = children as Parent['children'];
}

export function toMarkdown(tree: Root): string {
  // No directive syntax on the way out: every directive was replaced or turned back into text.
  return unified().use(remarkGfm).use(remarkStringify, { bullet: '-', fences: true, rule: '-', emphasis: '_' }).stringify(tree);
}
