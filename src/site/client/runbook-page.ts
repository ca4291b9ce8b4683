import { commandLine, quoteIdentifier, quoteLiteral } from '../../snippets/params.ts';
import { copyText } from './copy.ts';

/**
 * The only JavaScript a runbook page adds: parameter fill-in and copy buttons (and, in
 * `npm run dev` only, the live badges of client/live-snippets.ts). Values are read
 * from the page's inputs and written into the code as text (never as HTML), quoted exactly as
 * psql quotes `:'name'` and `:"name"`. Nothing is stored, put in the URL or sent anywhere.
 */

const PLACEHOLDER = (name: string) => `<${name}>`;

function currentValues(root: ParentNode): Map<string, string> {
  const values = new Map<string, string>();
  for (const input of root.querySelectorAll<HTMLInputElement>('input[data-param-input]')) {
    if (input.value !== '') values.set(input.dataset.paramInput!, input.value);
  }
  return values;
}

function fillIn(root: ParentNode): void {
  const values = currentValues(root);
  for (const reference of root.querySelectorAll<HTMLElement>('.rb-param[data-param]')) {
    const name = reference.dataset.param!;
    const value = values.get(name);
    const asLiteral = reference.dataset.quote === 'literal';
    reference.textContent = value === undefined ? (asLiteral ? `:'${name}'` : `:"${name}"`) : asLiteral ? quoteLiteral(value) : quoteIdentifier(value);
    reference.classList.toggle('rb-param--filled', value !== undefined);
  }
  for (const command of root.querySelectorAll<HTMLElement>('code[data-command]')) {
    const names = (command.dataset.params ?? '').split(' ').filter(Boolean);
    const language = command.dataset.language === 'bash' ? 'bash' : 'sql';
    command.textContent = commandLine(language, command.dataset.file!, Object.fromEntries(names.map((name) => [name, values.get(name) ?? PLACEHOLDER(name)])));
  }
}

function enableCopy(figure: HTMLElement): void {
  const actions = figure.querySelector<HTMLElement>('[data-actions]');
  if (!actions) return;
  const status = actions.querySelector<HTMLElement>('[role="status"]');
  actions.hidden = false;
  actions.addEventListener('click', async (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button[data-copy]');
    if (!button) return;
    const source = button.dataset.copy === 'command' ? figure.querySelector('code[data-command]') : figure.querySelector('pre[data-code] code');
    try {
      await copyText(source?.textContent ?? '');
      if (status) status.textContent = button.dataset.copy === 'command' ? 'Command copied.' : 'Code copied.';
    } catch {
      if (status) status.textContent = 'Copying failed: select the text and copy it by hand.';
    }
  });
}

function start(): void {
  for (const panel of document.querySelectorAll<HTMLElement>('[data-parameters]')) {
    const fieldset = panel.querySelector('fieldset');
    if (!fieldset) continue;
    fieldset.disabled = false;
    fieldset.addEventListener('input', () => fillIn(document));
    for (const note of panel.querySelectorAll<HTMLElement>('[data-no-script]')) note.hidden = true;
  }
  // Browsers restore typed values on back/forward navigation: show them in the code too.
  fillIn(document);
  for (const figure of document.querySelectorAll<HTMLElement>('figure.rb-snippet')) enableCopy(figure);
  // `npm run dev`: a saved snippet's block is swapped in place (client/live-snippets.ts).
  // import.meta.hot is undefined in a build, which then leaves this out.
  if (import.meta.hot) {
    const hot = import.meta.hot;
    void import('./live-snippets.ts').then(({ followLiveSnippets }) =>
      followLiveSnippets(hot, (figure) => {
        enableCopy(figure);
        fillIn(document);
      }),
    );
  }
}

start();
