import type { Element, ElementContent, Properties } from 'hast';

/**
 * A minimal hast builder. Text always goes in as text nodes, never as HTML, so whatever a
 * snippet or a report contains (`</script>`, quotes, angle brackets) is escaped when the page
 * is serialised.
 */

export type Child = ElementContent | string | false | null | undefined;

/** Properties as hast-util-to-html reads them (camelCase, `className` as a list); loosely typed on purpose. */
export type Props = Record<string, string | number | boolean | string[] | undefined>;

export function element(tagName: string, properties: Props = {}, children: Child[] = []): Element {
  return {
    type: 'element',
    tagName,
    properties: properties as Properties,
    children: children.filter((child): child is ElementContent | string => child !== false && child !== null && child !== undefined && child !== '').map((child) => (typeof child === 'string' ? { type: 'text', value: child } : child)),
  };
}

/**
 * An mdast node that remark-rehype turns into exactly this hast element: remark plugins put
 * rendered HTML into the Markdown tree this way, and later text plugins (smart quotes) never
 * see inside it.
 */
export function toMdast(hast: Element): { type: 'runbookHtml'; data: { hName: string; hProperties: Element['properties']; hChildren: Element['children'] } } {
  return { type: 'runbookHtml', data: { hName: hast.tagName, hProperties: hast.properties, hChildren: hast.children } };
}
