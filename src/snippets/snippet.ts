import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { extractHeader, type HeaderProblem, type SnippetHeader } from './header.ts';

/**
 * A snippet is one file under snippets/<area>/<name>.sql|.sh; its name is that path without
 * the extension (`health/tview-status`). This module loads them; it judges nothing beyond
 * the header, which lint and the verifier build on.
 */

export type SnippetLanguage = 'sql' | 'bash';

export interface Snippet {
  /** `area/name`, or for a file outside snippets/ its path without extension. */
  name: string;
  /** Absolute path. */
  file: string;
  /** Path relative to the project root, as printed in messages and reports. */
  relativeFile: string;
  language: SnippetLanguage;
  text: string;
  /** sha256 of the whole file: the report records it so the site can spot stale entries. */
  sha256: string;
  header?: SnippetHeader;
  headerProblems: HeaderProblem[];
  /** 1-based line where the body starts (after the header). */
  bodyLine: number;
}

export const SNIPPET_EXTENSIONS: Record<string, SnippetLanguage> = { '.sql': 'sql', '.sh': 'bash' };

export function languageOf(file: string): SnippetLanguage | undefined {
  return SNIPPET_EXTENSIONS[path.extname(file)];
}

export function snippetName(file: string, snippetsRoot: string): string {
  const relative = path.relative(snippetsRoot, file);
  const inside = !relative.startsWith('..') && !path.isAbsolute(relative);
  const base = inside ? relative : path.relative(process.cwd(), file);
  return base.slice(0, -path.extname(base).length).split(path.sep).join('/');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function parseSnippet(text: string, file: string, options: { projectRoot: string; snippetsRoot: string }): Snippet {
  const language = languageOf(file);
  if (!language) throw new Error(`${file}: not a snippet (expected .sql or .sh)`);
  const extracted = extractHeader(text, language === 'sql' ? '--' : '#');
  return {
    name: snippetName(file, options.snippetsRoot),
    file,
    relativeFile: path.relative(options.projectRoot, file),
    language,
    text,
    sha256: sha256(text),
    header: extracted.header,
    headerProblems: extracted.problems,
    bodyLine: extracted.lastLine + 1,
  };
}

export async function loadSnippet(file: string, options: { projectRoot: string; snippetsRoot: string }): Promise<Snippet> {
  return parseSnippet(await readFile(file, 'utf8'), path.resolve(file), options);
}

/** Every .sql and .sh file under the given files and folders, sorted. */
export async function findSnippetFiles(paths: string[]): Promise<string[]> {
  const found: string[] = [];
  const visit = async (entry: string) => {
    const resolved = path.resolve(entry);
    let children: string[];
    try {
      children = (await readdir(resolved, { withFileTypes: true })).map((d) => (d.isDirectory() ? `${d.name}/` : d.name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
        // A file named on purpose is a snippet, or said not to be one; a runbook page is neither.
        if (!/\.mdx?$/.test(resolved)) found.push(resolved);
        return;
      }
      throw error;
    }
    for (const child of children) {
      if (child.endsWith('/')) await visit(path.join(resolved, child));
      else if (languageOf(child)) found.push(path.join(resolved, child));
    }
  };
  for (const entry of paths) await visit(entry);
  return [...new Set(found)].sort();
}

export async function loadSnippets(paths: string[], options: { projectRoot: string; snippetsRoot: string }): Promise<Snippet[]> {
  const files = await findSnippetFiles(paths);
  return Promise.all(files.map((file) => loadSnippet(file, options)));
}
