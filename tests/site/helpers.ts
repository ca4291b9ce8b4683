import path from 'node:path';
import type { Root } from 'mdast';
import rehypeStringify from 'rehype-stringify';
import remarkDirective from 'remark-directive';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { projectPaths, type ProjectPaths } from '../../src/site/project.ts';
import { remarkRunbookSnippets } from '../../src/site/remark/remark-runbook-snippets.ts';

export const FIXTURES = path.join(import.meta.dirname, 'fixtures');

export function fixture(name: string): ProjectPaths {
  return projectPaths(path.join(FIXTURES, name));
}

/**
 * Runs Markdown through remark-directive, the snippet plugin and remark-rehype, as if the file
 * were `content/<contentPath>` of the fixture, and returns the HTML.
 */
export async function renderPage(paths: ProjectPaths, contentPath: string, markdown: string, strict: boolean): Promise<{ html: string; file: VFile }> {
  const file = new VFile({ path: path.join(paths.contentDir, contentPath), value: markdown });
  const processor = unified()
    .use(remarkParse)
    .use(remarkDirective)
    .use(remarkRunbookSnippets, { paths, strict, base: '/' })
    .use(remarkRehype)
    .use(rehypeStringify);
  const tree = processor.parse(file) as Root;
  const transformed = await processor.run(tree, file);
  return { html: processor.stringify(transformed, file), file };
}

/** A runbook body with every required section and the given Procedure. */
export function runbookBody(procedure: string): string {
  return ['## Purpose', 'p', '## When to use', 'w', '## Prerequisites', 'r', '## Procedure', procedure, '## Verify', 'v', '## Rollback / Restore', 'n', '## Escalation / Next steps', 'e', ''].join('\n\n');
}

/** The text of a hast node exactly as the DOM's textContent gives it (no whitespace folding). */
export function textContent(node: import('hast').Nodes): string {
  if (node.type === 'text') return node.value;
  if ('children' in node) return node.children.map((child) => textContent(child as import('hast').Nodes)).join('');
  return '';
}
