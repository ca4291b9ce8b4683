import type { Element } from 'hast';
import type { ParameterSpec } from '../../snippets/header.ts';
import { commandLine } from '../../snippets/params.ts';
import { asSentence, capitalise, notClaimedNote, snippetAnchor, STATUS_LABELS, verifiedOn } from '../report/describe.ts';
import type { ResolvedSnippet } from '../report/snippet-status.ts';
import { element, type Child } from './hast.ts';
import { highlight } from './highlight.ts';
import { parameterReferences, snippetBody } from './snippet-body.ts';

/**
 * The HTML of one embedded snippet, built at build time: title, safety and verification badges,
 * privileges, parameters, the highlighted code, copy buttons and the psql command line.
 * Everything is readable without JavaScript; the page script only fills in parameters and copies.
 */

export const SAFETY_LABELS = { 'read-only': 'Read-only', writes: 'Writes (in a transaction)', destructive: 'Destructive' } as const;

export interface RenderContext {
  /** Site base path ending in `/`, for links to the report page. */
  base: string;
}

export function parameterInputId(name: string): string {
  return `rb-param-${name}`;
}

/** The placeholder the command line shows for a parameter nobody filled in yet. */
export function placeholder(name: string): string {
  return `<${name}>`;
}

export function placeholderCommand(language: 'sql' | 'bash', file: string, names: string[]): string {
  return commandLine(language, file, Object.fromEntries(names.map((name) => [name, placeholder(name)])));
}

export async function renderSnippetBlock(resolved: ResolvedSnippet, context: RenderContext): Promise<Element> {
  const { snippet, entry, report, status, coverage } = resolved;
  const header = snippet?.header;
  const reportHref = `${context.base}report/${entry ? `#${snippetAnchor(resolved.name)}` : ''}`;

  const verification =
    status === 'verified' && report && coverage
      ? element('a', { className: ['rb-badge', 'rb-badge--verified'], href: reportHref }, [element('span', { ariaHidden: 'true' }, ['✔ ']), capitalise(verifiedOn(coverage, report))])
      : element('a', { className: ['rb-badge', 'rb-badge--unverified'], href: reportHref }, [element('span', { ariaHidden: 'true' }, ['✖ ']), `${STATUS_LABELS[status]}: ${resolved.reason}`]);

  if (!snippet || !header) {
    // Only `astro dev` gets here: the strict build stops before rendering a broken reference.
    return element('figure', { className: ['rb-snippet', 'rb-snippet--broken', 'not-content'], dataSnippet: resolved.name, dataStatus: status }, [
      element('figcaption', { className: ['rb-snippet__caption'] }, [element('span', { className: ['rb-snippet__title'] }, [element('code', {}, [resolved.name])])]),
      element('p', { className: ['rb-snippet__badges'] }, [verification]),
    ]);
  }

  const body = snippetBody(snippet);
  const parameterNames = Object.keys(header.params);
  const references = parameterReferences(snippet, body);
  const code = await highlight(
    body,
    snippet.language,
    references.map((reference) => ({
      start: reference.start.offset,
      end: reference.end,
      properties: { className: ['rb-param'], dataParam: reference.name, dataQuote: reference.style },
    })),
  );
  // Shiki sets `class` (a string); hast wants `className`. Keep its classes, add ours.
  const { class: shikiClass, className: shikiClassName, ...codeProperties } = code.properties;
  code.properties = { ...codeProperties, className: ['rb-code', ...classList(shikiClassName ?? shikiClass)], tabIndex: 0, dataCode: '' };
  const languageLabel = snippet.language === 'sql' ? 'SQL' : 'bash';
  const runner = snippet.language === 'sql' ? 'psql' : 'bash';
  const derived = entry?.derivedSafety;

  const badges: Child[] = [
    element('span', { className: ['rb-badge', `rb-badge--${header.safety}`] }, [SAFETY_LABELS[header.safety]]),
    derived?.nonTransactional ? element('span', { className: ['rb-badge', 'rb-badge--non-transactional'] }, ['Cannot run inside a transaction']) : null,
    verification,
  ];

  return element('figure', { className: ['rb-snippet', `rb-snippet--${header.safety}`, 'not-content'], dataSnippet: resolved.name, dataStatus: status, dataLanguage: snippet.language }, [
    element('figcaption', { className: ['rb-snippet__caption'] }, [
      element('span', { className: ['rb-snippet__title'] }, [header.title]),
      ' ',
      element('code', { className: ['rb-snippet__name'] }, [resolved.name]),
    ]),
    element('p', { className: ['rb-snippet__badges'] }, joinWith(badges.filter((badge): badge is Element => Boolean(badge)), ' ')),
    // Right under the badge that names the targets it was verified on: the ones it is not for.
    coverage?.notClaimed && element('p', { className: ['rb-snippet__scope'] }, [asSentence(capitalise(notClaimedNote(coverage.notClaimed)))]),
    element('p', { className: ['rb-snippet__description'] }, [header.description]),
    header.safety === 'destructive' &&
      element('div', { className: ['rb-snippet__warning'], role: 'note' }, [
        element('p', {}, [element('strong', {}, ['Destructive. ']), `It changes: ${header.changes ?? ''}`]),
        element('p', {}, [element('strong', {}, ['To undo: ']), header.undo ?? '']),
      ]),
    element('dl', { className: ['rb-snippet__facts'] }, [
      element('dt', {}, ['Privileges']),
      element('dd', {}, joinWith(header.privileges.map((privilege) => element('code', {}, [privilege])), ', ')),
      parameterNames.length > 0 && element('dt', {}, ['Parameters']),
      parameterNames.length > 0 && element('dd', {}, joinWith(parameterNames.map((name) => parameterMention(name, header.params[name])), '; ')),
    ]),
    element('div', { className: ['rb-snippet__code'] }, [code]),
    element('p', { className: ['rb-snippet__run'] }, [
      element('span', { className: ['rb-snippet__run-label'] }, [`Run the file with ${runner}: `]),
      element('code', { dataCommand: '', dataLanguage: snippet.language, dataFile: resolved.snippet!.relativeFile, dataParams: parameterNames.join(' ') }, [
        placeholderCommand(snippet.language, snippet.relativeFile, parameterNames),
      ]),
    ]),
    // Hidden until the page script runs: without JavaScript there is nothing to click.
    element('div', { className: ['rb-snippet__actions'], hidden: true, dataActions: '' }, [
      element('button', { type: 'button', className: ['rb-button'], dataCopy: 'code' }, [`Copy ${languageLabel}`]),
      ' ',
      element('button', { type: 'button', className: ['rb-button'], dataCopy: 'command' }, [`Copy ${runner} command`]),
      ' ',
      element('span', { className: ['rb-snippet__copied'], role: 'status', ariaLive: 'polite' }, []),
    ]),
  ]);
}

function parameterMention(name: string, spec: ParameterSpec): Element {
  return element('span', {}, [element('a', { href: `#${parameterInputId(name)}` }, [element('code', {}, [name])]), ` (${spec.kind}): ${spec.description}`]);
}

function joinWith(items: Element[], separator: string): Child[] {
  return items.flatMap((item, index) => (index === 0 ? [item] : [separator, item]));
}

function classList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return [];
}
