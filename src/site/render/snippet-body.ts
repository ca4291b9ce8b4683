import type { Snippet } from '../../snippets/snippet.ts';
import { scanPsqlScript, type VariableReference } from '../../snippets/psql-script.ts';

/**
 * The part of a snippet a reader runs: the file without its metadata header (the page shows
 * the header's fields as badges and text), without the blank lines around it. This exact text
 * is what the copy button puts on the clipboard before any parameter is filled in.
 */
export function snippetBody(snippet: Snippet): string {
  const lines = snippet.text.split('\n');
  // A bash snippet keeps its shebang: it tells the reader which interpreter runs it.
  const shebang = snippet.language === 'bash' && lines[0]?.startsWith('#!') ? `${lines[0]}\n` : '';
  const body = lines.slice(Math.max(snippet.bodyLine - 1, 0)).join('\n');
  return shebang + body.replace(/^(\s*\n)+/, '').trimEnd();
}

/** psql `:'name'` and `:"name"` references in an SQL body, for the parameters the header declares. */
export function parameterReferences(snippet: Snippet, body: string): VariableReference[] {
  if (snippet.language !== 'sql') return [];
  const declared = snippet.header?.params ?? {};
  return scanPsqlScript(body).variables.filter((reference) => (reference.style === 'literal' || reference.style === 'identifier') && Object.hasOwn(declared, reference.name));
}
