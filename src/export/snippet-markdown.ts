import type { BlockContent, PhrasingContent } from 'mdast';
import type { ResolvedSnippet } from '../site/report/snippet-status.ts';
import { asSentence, capitalise, notClaimedNote, verifiedOn } from '../site/report/describe.ts';
import { placeholderCommand, SAFETY_LABELS } from '../site/render/snippet-block.ts';
import { snippetBody } from '../site/render/snippet-body.ts';
import { scriptFile } from './layout.ts';

/**
 * An embedded snippet as Markdown: title and name, safety, verification status (the targets it
 * passed on and those it is not for; a warning in bold when not verified), description, destructive warning, privileges, parameters, the code
 * and the command that runs the exported copy. Built as mdast so that remark escapes the text.
 */

const text = (value: string): PhrasingContent => ({ type: 'text', value });
const strong = (...children: PhrasingContent[]): PhrasingContent => ({ type: 'strong', children });
const code = (value: string): PhrasingContent => ({ type: 'inlineCode', value });
const paragraph = (...children: PhrasingContent[]): BlockContent => ({ type: 'paragraph', children });

export function snippetMarkdown(resolved: ResolvedSnippet): BlockContent[] {
  const { snippet, report, status, coverage } = resolved;
  const header = snippet?.header;
  const verification =
    status === 'verified' && report && coverage
      ? paragraph(text(`✅ ${asSentence(capitalise(verifiedOn(coverage, report)))}${coverage.notClaimed ? ` ${asSentence(capitalise(notClaimedNote(coverage.notClaimed)))}` : ''}`))
      : ({ type: 'blockquote', children: [paragraph(strong(text(`⚠️ NOT VERIFIED (${status})`)), text(`: ${resolved.reason}. Check it before running it.`))] } as BlockContent);
  if (!snippet || !header) return [paragraph(strong(text(`Snippet ${resolved.name}`))), verification];

  const parameters = Object.entries(header.params);
  const nodes: BlockContent[] = [
    paragraph(strong(text(header.title)), text(' ('), code(resolved.name), text(`): ${SAFETY_LABELS[header.safety]}`)),
    verification,
    paragraph(text(header.description)),
  ];
  if (header.safety === 'destructive') {
    nodes.push({
      type: 'blockquote',
      children: [paragraph(strong(text('Destructive.')), text(` It changes: ${header.changes ?? ''} `), strong(text('To undo:')), text(` ${header.undo ?? ''}`))],
    });
  }
  nodes.push(paragraph(strong(text('Privileges:')), text(' '), ...joined(header.privileges.map((privilege) => code(privilege)), ', ')));
  if (parameters.length > 0) {
    nodes.push({
      type: 'list',
      ordered: false,
      spread: false,
      children: parameters.map(([name, spec]) => ({ type: 'listItem', spread: false, children: [paragraph(code(name), text(` (${spec.kind}): ${spec.description}`))] })),
    });
  }
  nodes.push({ type: 'code', lang: snippet.language === 'sql' ? 'sql' : 'bash', value: snippetBody(snippet) });
  const command = placeholderCommand(snippet.language, scriptFile(resolved.name, snippet.language), parameters.map(([name]) => name));
  nodes.push(paragraph(text('Run it from the export folder: '), code(command)));
  return nodes;
}

function joined(items: PhrasingContent[], separator: string): PhrasingContent[] {
  return items.flatMap((item, index) => (index === 0 ? [item] : [text(separator), item]));
}
