import type { Element, Root } from 'hast';
import { createHighlighter, type DecorationItem, type Highlighter } from 'shiki';
import type { SnippetLanguage } from '../../snippets/snippet.ts';

/**
 * Shiki, loaded once per build, with one light and one dark theme. Colours are emitted only as
 * CSS variables (`--shiki-light`, `--shiki-dark`) so that the site's theme switch picks them.
 */

// The -default GitHub themes: their comments keep 4.5:1 contrast, the older github-dark's do not.
export const CODE_THEMES = { light: 'github-light-default', dark: 'github-dark-default' } as const;
const LANGUAGES: Record<SnippetLanguage, string> = { sql: 'sql', bash: 'shellscript' };

let highlighter: Promise<Highlighter> | undefined;

function loadHighlighter(): Promise<Highlighter> {
  highlighter ??= createHighlighter({ themes: Object.values(CODE_THEMES), langs: Object.values(LANGUAGES) });
  return highlighter;
}

/** A range of the code wrapped in its own `<span>` with these properties (parameter references). */
export interface CodeMark {
  start: number;
  end: number;
  properties: Element['properties'];
}

export async function highlight(code: string, language: SnippetLanguage, marks: CodeMark[] = []): Promise<Element> {
  const shiki = await loadHighlighter();
  const decorations: DecorationItem[] = marks.map((mark) => ({ start: mark.start, end: mark.end, properties: mark.properties, alwaysWrap: true }));
  const root = shiki.codeToHast(code, { lang: LANGUAGES[language], themes: CODE_THEMES, defaultColor: false, decorations }) as Root;
  const pre = root.children.find((child): child is Element => child.type === 'element' && child.tagName === 'pre');
  if (!pre) throw new Error('shiki returned no <pre>');
  return pre;
}
