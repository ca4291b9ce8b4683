import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Root } from 'mdast';
import remarkDirective from 'remark-directive';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';

/**
 * The `::snippet{name="area/name"}` directives of a runbook, with their lines. Parsed as the
 * site parses it (remark with remark-directive, plus remark-mdx for .mdx), so a directive in
 * a fenced code block or an inline code span is an example, not a reference. When a page does
 * not parse, a line scan that skips fenced blocks stands in and the caller is told why.
 */

export interface RunbookReference {
  /** Path relative to the project root. */
  file: string;
  line: number;
  column: number;
  /** The `name` attribute; undefined when the directive has none. */
  name: string | undefined;
}

export interface RunbookReferences {
  references: RunbookReference[];
  /** Set when the page did not parse and the line scan was used instead. */
  parseError?: { line: number; column: number; message: string };
}

export function extractSnippetReferences(text: string, relativeFile: string): RunbookReferences {
  const processor = unified().use(remarkParse).use(remarkDirective);
  if (relativeFile.endsWith('.mdx')) processor.use(remarkMdx);
  let tree: Root;
  try {
    tree = processor.parse(blankFrontmatter(text)) as Root;
  } catch (error) {
    const place = (error as { place?: { line?: number; column?: number; start?: { line: number; column: number } } }).place;
    const at = place?.start ?? { line: place?.line ?? 1, column: place?.column ?? 1 };
    return { references: scanLines(text, relativeFile), parseError: { ...at, message: (error as Error).message } };
  }
  const references: RunbookReference[] = [];
  visit(tree, (node) => {
    if ((node.type === 'leafDirective' || node.type === 'textDirective' || node.type === 'containerDirective') && (node as { name?: string }).name === 'snippet') {
      const attributes = (node as { attributes?: Record<string, string | null | undefined> }).attributes ?? {};
      const start = node.position?.start ?? { line: 1, column: 1 };
      references.push({ file: relativeFile, line: start.line, column: start.column, name: attributes.name ?? undefined });
    }
  });
  return { references };
}

/** Frontmatter is YAML, not Markdown: blank it so positions stay those of the file. */
function blankFrontmatter(text: string): string {
  const lines = text.split('\n');
  if (!/^---\s*$/.test(lines[0] ?? '')) return text;
  const close = lines.findIndex((line, i) => i > 0 && /^---\s*$/.test(line));
  return close < 0 ? text : lines.map((line, i) => (i <= close ? '' : line)).join('\n');
}

const DIRECTIVE = /::snippet\{([^}]*)\}/g;
const FENCE = /^\s*(```|~~~)/;

function scanLines(text: string, relativeFile: string): RunbookReference[] {
  const references: RunbookReference[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((line, index) => {
    const marker = FENCE.exec(line)?.[1];
    if (marker && (fence === undefined || fence === marker)) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence) return;
    const withoutCodeSpans = line.replace(/`[^`]*`/g, (span) => ' '.repeat(span.length));
    for (const match of withoutCodeSpans.matchAll(DIRECTIVE)) {
      const name = /name="([^"]*)"/.exec(match[1])?.[1];
      references.push({ file: relativeFile, line: index + 1, column: (match.index ?? 0) + 1, name });
    }
  });
  return references;
}

export async function readRunbookReferences(files: string[], projectRoot: string): Promise<(RunbookReferences & { file: string })[]> {
  return Promise.all(
    files.map(async (file) => {
      const relativeFile = path.relative(projectRoot, file);
      return { file: relativeFile, ...extractSnippetReferences(await readFile(file, 'utf8'), relativeFile) };
    }),
  );
}
