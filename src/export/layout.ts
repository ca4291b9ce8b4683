/**
 * Where `runbooks export` puts things, in the layout the operations plan asks for:
 *   README.md                      index: symptoms, runbooks by category, scripts
 *   01-health-monitoring/<name>.md one file per runbook, snippets inlined
 *   scripts/<area>-<name>.sql|sh    every embedded snippet file, unchanged, runnable
 *   scripts/<name>.sql|sh           snippets of the `scripts` area keep their own name, so
 *                                   the plan's scripts/health-check.sql is found where it says
 * Commands in the Markdown run from the export folder (`psql … -f scripts/…`).
 */

export const EXPORT_MARKER = '.runbooks-export';

export function scriptFile(snippetName: string, language: 'sql' | 'bash'): string {
  const base = snippetName.startsWith('scripts/') ? snippetName.slice('scripts/'.length) : snippetName;
  return `scripts/${base.replaceAll('/', '-')}.${language === 'sql' ? 'sql' : 'sh'}`;
}

export function pageFile(contentPath: string): string {
  return `${contentPath}.md`;
}

/** A link from one exported file to another, both given relative to the export root. */
export function relativeLink(fromFile: string, toFile: string): string {
  const from = fromFile.split('/').slice(0, -1);
  const to = toFile.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  return [...from.slice(common).map(() => '..'), ...to.slice(common)].join('/');
}
