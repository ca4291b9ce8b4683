/**
 * The Markdown a checklist exports for the incident channel: a title with the incident's name,
 * where the checklist lives, when the incident started and when this was exported, then each
 * section with its items as a task list (`[x]` with the time it was ticked, `[ ]` otherwise),
 * then the notes. Pure: the page script gathers the data, tests call this directly.
 */

export interface ChecklistSnapshot {
  /** The page's title: "Incident checklist". */
  title: string;
  /** Absolute address of the checklist page. */
  url: string;
  /** What the reader typed as the incident's name, ticket or channel; may be empty. */
  incident: string;
  /** ISO time the first item was ticked (or a field filled in); undefined when nothing was recorded. */
  startedAt?: string;
  exportedAt: string;
  notes: string;
  sections: { title: string; items: { markdown: string; tickedAt?: string }[] }[];
}

/** `2026-05-01 03:12:45 UTC`: one clock for everyone in the incident channel. */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `03:12:45 UTC`: the time next to a ticked item on the page. */
export function formatUtcTime(iso: string): string {
  return formatUtc(iso).slice(11);
}

export function checklistMarkdown(snapshot: ChecklistSnapshot): string {
  const items = snapshot.sections.flatMap((section) => section.items);
  const ticked = items.filter((item) => item.tickedAt).length;
  const incident = oneLine(snapshot.incident);
  const lines = [
    `# ${incident ? `${snapshot.title}: ${incident}` : snapshot.title}`,
    '',
    `- Checklist: [${snapshot.title}](${snapshot.url})`,
    `- Started: ${snapshot.startedAt ? formatUtc(snapshot.startedAt) : 'not recorded'}`,
    `- Exported: ${formatUtc(snapshot.exportedAt)}`,
    `- Ticked: ${ticked} of ${items.length}`,
  ];
  for (const section of snapshot.sections) {
    lines.push('', `## ${oneLine(section.title) || 'Checklist'}`, '');
    for (const item of section.items) {
      const text = oneLine(item.markdown);
      lines.push(item.tickedAt ? `- [x] ${text} (ticked ${formatUtc(item.tickedAt)})` : `- [ ] ${text}`);
    }
  }
  const notes = snapshot.notes.replace(/\r\n?/g, '\n').trim();
  lines.push('', '## Notes', '', notes === '' ? '(none)' : notes, '');
  return lines.join('\n');
}

/**
 * A file name for the download: `incident-checklist-2026-05-01T0312Z.md`, from the start time
 * (or the export time) so that two incidents' files do not overwrite each other.
 */
export function checklistFileName(snapshot: Pick<ChecklistSnapshot, 'startedAt' | 'exportedAt'>): string {
  const when = new Date(snapshot.startedAt ?? snapshot.exportedAt);
  const stamp = Number.isNaN(when.getTime()) ? 'undated' : `${when.toISOString().slice(0, 16).replace(':', '')}Z`;
  return `incident-checklist-${stamp}.md`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
