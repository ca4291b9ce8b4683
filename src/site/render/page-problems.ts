import type { Element } from 'hast';
import { element } from './hast.ts';

/** `astro dev` only: what would stop `astro build` on this page, at the top of the page. */
export function renderPageProblems(problems: string[]): Element {
  return element('div', { className: ['rb-problem', 'not-content'], role: 'alert', dataPageProblems: '' }, [
    element('p', {}, [element('strong', {}, ['This page would not build:'])]),
    element('ul', {}, problems.map((problem) => element('li', {}, [problem]))),
  ]);
}
