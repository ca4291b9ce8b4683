import path from 'node:path';

/** Snippet names: `<area>/<name>` in lower-case kebab words, for files under snippets/. */

const NAME_PART = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** True when the file is inside snippets/, i.e. one of the catalogue's snippets. */
export function isCatalogueSnippet(file: string, snippetsRoot: string): boolean {
  const relative = path.relative(snippetsRoot, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Why a snippet name is not `<area>/<name>` in lower-case kebab words, or undefined. */
export function snippetNameProblem(name: string): string | undefined {
  const parts = name.split('/');
  if (parts.length !== 2) return `'${name}' is not <area>/<name>: snippets live exactly one folder below snippets/`;
  const bad = parts.find((part) => !NAME_PART.test(part));
  return bad === undefined ? undefined : `'${bad}' in '${name}' is not lower-case words joined by hyphens`;
}
