import type { Element } from 'hast';
import { element } from './hast.ts';

/**
 * The HTML a checklist page adds around its task lists: the incident panel (name, start time,
 * notes, export and reset buttons) before the first list, and per item a real checkbox with
 * its label and a place for the time it was ticked. Everything that needs the page script
 * starts disabled or hidden: without JavaScript the page is a plain list to read or print
 * and tick on paper.
 */

export const CHECKLIST_IDS = {
  panelTitle: 'rb-checklist-title',
  incident: 'rb-checklist-incident',
  notes: 'rb-checklist-notes',
} as const;

export function checkboxId(itemId: string): string {
  return `rb-check-${itemId}`;
}

export function tickTimeId(itemId: string): string {
  return `rb-check-${itemId}-time`;
}

/** The checkbox that goes before an item's label. */
export function renderCheckbox(itemId: string): Element {
  return element('input', { type: 'checkbox', id: checkboxId(itemId), className: ['rb-check__box'], disabled: true, ariaDescribedby: tickTimeId(itemId), dataCheckBox: '' });
}

/** Where the page script writes the time an item was ticked. */
export function renderTickTime(itemId: string): Element {
  return element('span', { className: ['rb-check__time'], id: tickTimeId(itemId), dataCheckTime: '' });
}

export function renderChecklistPanel(itemCount: number): Element {
  const field = (id: string, label: string, control: Element) => element('div', { className: ['rb-checklist-field'] }, [element('label', { htmlFor: id }, [label]), control]);
  return element('section', { className: ['rb-checklist-panel', 'not-content'], ariaLabelledby: CHECKLIST_IDS.panelTitle, dataChecklistPanel: '', dataPagefindIgnore: '' }, [
    element('p', { className: ['rb-checklist-panel__title'], id: CHECKLIST_IDS.panelTitle }, [element('strong', {}, ['This incident'])]),
    element('p', { className: ['rb-checklist-panel__hint'], dataScreenOnly: '' }, [
      'Tick each item as you do it: the time is recorded next to it. Ticks, times and notes are kept in this browser only, for this page, until you start a new incident; nothing is sent anywhere. Copy or download them as Markdown for the incident channel.',
    ]),
    // Shown until the page script hides it (not <noscript>: that stays hidden when only scripting is blocked).
    element('p', { className: ['rb-checklist-panel__hint'], dataNoScript: '' }, [
      'Ticking needs JavaScript. Without it, print this page and tick on paper, or copy the list from the Markdown export (runbooks export).',
    ]),
    element('fieldset', { className: ['rb-checklist-panel__fields'], disabled: true, dataChecklistFields: '' }, [
      element('legend', { className: ['sr-only'] }, ['Incident details']),
      field(CHECKLIST_IDS.incident, 'Incident (name, ticket or channel)', element('input', { type: 'text', id: CHECKLIST_IDS.incident, dataChecklistField: 'incident', autoComplete: 'off' })),
      element('p', { className: ['rb-checklist-panel__started'] }, ['Started: ', element('span', { dataChecklistStarted: '' }, ['at your first tick or note']), ' · ', element('span', { dataChecklistProgress: '' }, [`0 of ${itemCount} items ticked`])]),
      field(
        CHECKLIST_IDS.notes,
        'Notes: what you found, what you changed and how to undo it, who you handed over to',
        element('textarea', { id: CHECKLIST_IDS.notes, rows: 4, dataChecklistField: 'notes', spellCheck: 'true' }),
      ),
    ]),
    // What the panel holds, as text, for paper: blanks to fill in by hand when nothing was recorded.
    element('div', { className: ['rb-checklist-panel__print'], dataChecklistPrint: '' }, [
      element('p', {}, ['Incident: ', element('span', { dataPrint: 'incident' }, ['______________________________']), ' · Started: ', element('span', { dataPrint: 'started' }, ['________'])]),
      element('p', { className: ['rb-checklist-panel__print-notes'], dataPrint: 'notes' }, []),
    ]),
    // Hidden until the page script runs: without JavaScript there is nothing to click.
    element('div', { className: ['rb-checklist-panel__actions'], hidden: true, dataChecklistActions: '' }, [
      element('button', { type: 'button', className: ['rb-button'], dataChecklistAction: 'copy' }, ['Copy as Markdown']),
      ' ',
      element('button', { type: 'button', className: ['rb-button'], dataChecklistAction: 'download' }, ['Download Markdown']),
      ' ',
      element('button', { type: 'button', className: ['rb-button', 'rb-button--danger'], dataChecklistAction: 'reset' }, ['Start a new incident']),
      ' ',
      element('span', { className: ['rb-checklist-panel__status'], role: 'status', ariaLive: 'polite' }, []),
    ]),
  ]);
}
