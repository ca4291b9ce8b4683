import path from 'node:path';
import type { Root } from 'mdast';
import remarkDirective from 'remark-directive';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { displayPath, type ProjectPaths } from '../project.ts';
import { categoryOf } from './categories.ts';

/**
 * Reads a content page the way the site sees it, outside Astro: frontmatter as a YAML document
 * that still knows its lines, and the body as mdast with the positions of the file itself.
 * The build check, the export and the tests share this so they agree on what a page says.
 */

export interface Problem {
  /** Path relative to the project root. */
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface ParsedPage {
  file: string;
  relativeFile: string;
  /** Content path without extension: `01-health-monitoring/tview-health-check`. */
  contentPath: string;
  /** The category folder when the page is a runbook page. */
  category?: string;
  frontmatter?: Document;
  /** Plain data of the frontmatter (undefined when the YAML does not parse). */
  data?: Record<string, unknown>;
  /** 1-based line where the frontmatter YAML starts. */
  frontmatterLine: number;
  frontmatterLineCounter?: LineCounter;
  tree?: Root;
  problems: Problem[];
}

const FENCE = /^---\s*$/;

export function parsePage(text: string, file: string, paths: ProjectPaths): ParsedPage {
  const relativeFile = displayPath(paths, file);
  const contentPath = path.relative(paths.contentDir, file).split(path.sep).join('/').replace(/\.mdx?$/, '');
  const page: ParsedPage = { file, relativeFile, contentPath, category: categoryOf(contentPath), frontmatterLine: 2, problems: [] };
  const problem = (line: number, column: number, message: string) => page.problems.push({ file: relativeFile, line, column, message });

  const lines = text.split('\n');
  let bodyText = text;
  if (FENCE.test(lines[0] ?? '')) {
    const close = lines.findIndex((line, index) => index > 0 && FENCE.test(line));
    if (close < 0) {
      problem(1, 1, 'the frontmatter opened here is never closed with a `---` line');
      return page;
    }
    const counter = new LineCounter();
    const document = parseDocument(lines.slice(1, close).join('\n'), { lineCounter: counter, prettyErrors: false });
    page.frontmatter = document;
    page.frontmatterLineCounter = counter;
    for (const error of document.errors) {
      const { line, col } = counter.linePos(error.pos[0]);
      problem(line + 1, col, `frontmatter YAML: ${error.message.split('\n')[0]}`);
    }
    if (document.errors.length === 0) {
      const data = document.toJS();
      if (data !== null && typeof data === 'object' && !Array.isArray(data)) page.data = data as Record<string, unknown>;
      else problem(2, 1, 'the frontmatter must be a YAML mapping (key: value lines)');
    }
    // Blank the frontmatter instead of cutting it so that body positions are lines of the file.
    bodyText = lines.map((line, index) => (index <= close ? '' : line)).join('\n');
  }

  // GFM as Astro parses it (tables, task lists), so the export writes back what authors wrote.
  const processor = unified().use(remarkParse).use(remarkGfm).use(remarkDirective);
  if (file.endsWith('.mdx')) processor.use(remarkMdx);
  try {
    page.tree = processor.parse(bodyText) as Root;
  } catch (error) {
    const { line, column } = errorPosition(error);
    problem(line, column, `does not parse as ${file.endsWith('.mdx') ? 'MDX' : 'Markdown'}: ${(error as Error).message}`);
  }
  return page;
}

/** Where a micromark/MDX parse error happened: its fields when set, else the `(line:column…)` its message ends with. */
function errorPosition(error: unknown): { line: number; column: number } {
  const fields = error as { line?: number; column?: number; place?: { line?: number; column?: number; start?: { line: number; column: number } } };
  const place = fields.place && 'start' in fields.place && fields.place.start ? fields.place.start : fields.place;
  if (fields.line) return { line: fields.line, column: fields.column ?? 1 };
  if (place?.line) return { line: place.line, column: place.column ?? 1 };
  const match = /\((\d+):(\d+)(?:-\d+:\d+)?\)\s*$/.exec(String((error as Error).message));
  return match ? { line: Number(match[1]), column: Number(match[2]) } : { line: 1, column: 1 };
}

/** The line and column of a frontmatter key path (`runbook.severity`), for messages. */
export function frontmatterPosition(page: ParsedPage, keyPath: (string | number)[]): { line: number; column: number } {
  const fallback = { line: page.frontmatterLine, column: 1 };
  if (!page.frontmatter || !page.frontmatterLineCounter) return fallback;
  for (let length = keyPath.length; length > 0; length--) {
    const node = page.frontmatter.getIn(keyPath.slice(0, length), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) {
      const { line, col } = page.frontmatterLineCounter.linePos(node.range[0]);
      return { line: line + 1, column: col };
    }
  }
  return fallback;
}
