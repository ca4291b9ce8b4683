import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { ProjectPaths } from '../project.ts';

/**
 * The library's standalone scripts: the snippets of the `scripts` area (snippets/scripts/),
 * which the plan's layout puts in scripts/ and the home page and the export list on their own.
 */
export function scriptSnippetNames(paths: ProjectPaths): string[] {
  let entries: string[];
  try {
    entries = readdirSync(path.join(paths.snippetsDir, 'scripts'));
  } catch {
    return [];
  }
  const names = entries.filter((entry) => /^[a-z0-9][a-z0-9_-]*\.(sql|sh)$/.test(entry)).map((entry) => `scripts/${entry.replace(/\.(sql|sh)$/, '')}`);
  return [...new Set(names)].sort();
}
