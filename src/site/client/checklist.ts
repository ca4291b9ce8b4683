import { checklistFileName, checklistMarkdown, formatUtc, formatUtcTime, type ChecklistSnapshot } from './checklist-markdown.ts';
import { copyText } from './copy.ts';

/**
 * The script of a checklist page: ticking an item records the time; ticks, times, the
 * incident's name and the notes are kept in this browser's localStorage under a key for this
 * page, and nowhere else (no request is made). "Start a new incident" clears them; "Copy" and
 * "Download" give them as Markdown for the incident channel. Another tab with the same page
 * follows along through the storage event.
 */

interface SavedChecklist {
  version: 1;
  startedAt?: string;
  incident: string;
  notes: string;
  /** Item id → ISO time it was ticked. */
  ticked: Record<string, string>;
}

const STORAGE_KEY = `pg-tviews-runbooks:checklist:${location.pathname}`;

const empty = (): SavedChecklist => ({ version: 1, incident: '', notes: '', ticked: {} });

function load(): SavedChecklist {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return empty();
    const data = JSON.parse(raw) as Partial<SavedChecklist>;
    if (data?.version !== 1) return empty();
    const ticked = Object.fromEntries(Object.entries(data.ticked ?? {}).filter(([, time]) => typeof time === 'string'));
    return { version: 1, startedAt: typeof data.startedAt === 'string' ? data.startedAt : undefined, incident: String(data.incident ?? ''), notes: String(data.notes ?? ''), ticked };
  } catch {
    return empty();
  }
}

const panel = document.querySelector<HTMLElement>('[data-checklist-panel]');
if (panel) start(panel);

function start(panel: HTMLElement): void {
  const status = panel.querySelector<HTMLElement>('[role="status"]')!;
  const fields = panel.querySelector<HTMLFieldSetElement>('[data-checklist-fields]')!;
  const incidentInput = panel.querySelector<HTMLInputElement>('[data-checklist-field="incident"]')!;
  const notesInput = panel.querySelector<HTMLTextAreaElement>('[data-checklist-field="notes"]')!;
  const items = [...document.querySelectorAll<HTMLLIElement>('li[data-check]')];
  const boxOf = (item: HTMLElement) => item.querySelector<HTMLInputElement>(':scope > input[data-check-box]')!;
  let state = load();
  let storageWorks = true;

  const save = () => {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch {
      if (storageWorks) status.textContent = 'This browser does not keep the ticks (storage is off or full): copy or download them before you leave the page.';
      storageWorks = false;
    }
  };

  const render = () => {
    for (const item of items) {
      const id = item.dataset.check!;
      const ticked = state.ticked[id];
      boxOf(item).checked = ticked !== undefined;
      item.classList.toggle('rb-check--done', ticked !== undefined);
      const slot = item.querySelector<HTMLElement>(':scope > [data-check-time]')!;
      slot.replaceChildren();
      if (ticked) {
        // "ticked " is left out on paper, where the column must stay narrow.
        const word = document.createElement('span');
        word.className = 'rb-check__ticked';
        word.textContent = 'ticked ';
        const time = document.createElement('time');
        time.dateTime = ticked;
        time.textContent = formatUtcTime(ticked);
        slot.append(word, time);
      }
    }
    if (incidentInput.value !== state.incident) incidentInput.value = state.incident;
    if (notesInput.value !== state.notes) notesInput.value = state.notes;
    const started = panel.querySelector<HTMLElement>('[data-checklist-started]')!;
    started.textContent = state.startedAt ? formatUtc(state.startedAt) : 'at your first tick or note';
    const count = items.filter((item) => state.ticked[item.dataset.check!]).length;
    panel.querySelector<HTMLElement>('[data-checklist-progress]')!.textContent = `${count} of ${items.length} items ticked`;
    // The same, as text for paper (form controls print badly).
    panel.querySelector<HTMLElement>('[data-print="incident"]')!.textContent = state.incident || '______________________________';
    panel.querySelector<HTMLElement>('[data-print="started"]')!.textContent = state.startedAt ? formatUtc(state.startedAt) : '________';
    panel.querySelector<HTMLElement>('[data-print="notes"]')!.textContent = state.notes ? `Notes: ${state.notes}` : '';
  };

  const record = (change: (saved: SavedChecklist, now: string) => void) => {
    const now = new Date().toISOString();
    change(state, now);
    state.startedAt ??= now;
    save();
    render();
  };

  document.addEventListener('change', (event) => {
    const box = event.target as HTMLInputElement;
    if (!box.matches?.('input[data-check-box]')) return;
    const id = box.closest<HTMLElement>('li[data-check]')!.dataset.check!;
    record((saved, now) => {
      if (box.checked) saved.ticked[id] = now;
      else delete saved.ticked[id];
    });
  });
  incidentInput.addEventListener('input', () => record((saved) => void (saved.incident = incidentInput.value)));
  notesInput.addEventListener('input', () => record((saved) => void (saved.notes = notesInput.value)));

  const snapshot = (): ChecklistSnapshot => {
    const sections: ChecklistSnapshot['sections'] = [];
    for (const item of items) {
      const title = item.closest<HTMLElement>('[data-checklist-section]')?.dataset.checklistSection ?? '';
      let section = sections.at(-1);
      if (!section || section.title !== title) sections.push((section = { title, items: [] }));
      const label = item.querySelector<HTMLElement>(':scope > label');
      section.items.push({ markdown: label ? inlineMarkdown(label) : '', tickedAt: state.ticked[item.dataset.check!] });
    }
    return {
      title: document.querySelector('h1')?.textContent?.trim() || document.title,
      url: `${location.origin}${location.pathname}`,
      incident: state.incident,
      startedAt: state.startedAt,
      exportedAt: new Date().toISOString(),
      notes: state.notes,
      sections,
    };
  };

  panel.querySelector('[data-checklist-actions]')!.addEventListener('click', async (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button[data-checklist-action]');
    if (!button) return;
    const action = button.dataset.checklistAction;
    if (action === 'copy') {
      try {
        await copyText(checklistMarkdown(snapshot()));
        status.textContent = 'Markdown copied: paste it into the incident channel.';
      } catch {
        status.textContent = 'Copying failed: use Download Markdown instead.';
      }
    } else if (action === 'download') {
      const current = snapshot();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([checklistMarkdown(current)], { type: 'text/markdown;charset=utf-8' }));
      link.download = checklistFileName(current);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      status.textContent = `Downloaded ${link.download}.`;
    } else if (action === 'reset') {
      const recorded = state.startedAt !== undefined || Object.keys(state.ticked).length > 0 || state.incident !== '' || state.notes !== '';
      if (recorded && !window.confirm('Start a new incident? This clears every tick, time and note of this checklist in this browser. Copy or download them first if you still need them.')) return;
      state = empty();
      try {
        localStorage.removeItem(STORAGE_KEY);
      } catch {
        // Nothing was kept anyway.
      }
      render();
      status.textContent = 'Cleared: ready for a new incident.';
    }
  });

  // Another tab ticked something on the same checklist: show it here too.
  window.addEventListener('storage', (event) => {
    if (event.key !== STORAGE_KEY) return;
    state = load();
    render();
  });

  render();
  fields.disabled = false;
  for (const item of items) boxOf(item).disabled = false;
  panel.querySelector<HTMLElement>('[data-checklist-actions]')!.hidden = false;
  for (const note of panel.querySelectorAll<HTMLElement>('[data-no-script]')) note.hidden = true;
}

/** An item's label as Markdown: its links absolute (they are read outside the site), its code in backticks. */
function inlineMarkdown(node: Node): string {
  let markdown = '';
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      markdown += child.textContent ?? '';
      continue;
    }
    if (!(child instanceof HTMLElement)) continue;
    const inner = () => inlineMarkdown(child);
    switch (child.tagName) {
      case 'A':
        markdown += `[${inner()}](${(child as HTMLAnchorElement).href})`;
        break;
      case 'CODE': {
        const text = child.textContent ?? '';
        const fence = '`'.repeat((text.match(/`+/g) ?? ['']).reduce((longest, run) => Math.max(longest, run.length), 0) + 1);
        markdown += fence.length > 1 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
        break;
      }
      case 'STRONG':
      case 'B':
        markdown += `**${inner()}**`;
        break;
      case 'EM':
      case 'I':
        markdown += `_${inner()}_`;
        break;
      default:
        markdown += inner();
    }
  }
  return markdown;
}
