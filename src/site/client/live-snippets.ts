/**
 * `npm run dev` only (loaded by runbook-page.ts when Vite's HMR is there): when the dev
 * server's live loop sends a snippet's new block (its lint findings, its verification starting,
 * its result), swap that snippet's blocks on this page for it, in place. Nothing else on the page
 * is touched: scroll position, typed parameters and any other state stay as they are.
 */

/** The custom HMR event src/site/dev/refresh-pages.ts sends. */
const SNIPPET_EVENT = 'runbooks:snippet';

interface HotChannel {
  on(event: string, listener: (payload: { name: string; html: string }) => void): void;
}

export function followLiveSnippets(hot: HotChannel, onBlock: (figure: HTMLElement) => void): void {
  hot.on(SNIPPET_EVENT, ({ name, html }) => {
    const template = document.createElement('template');
    template.innerHTML = html;
    const fresh = template.content.firstElementChild;
    if (!(fresh instanceof HTMLElement)) return;
    for (const figure of document.querySelectorAll<HTMLElement>(`figure.rb-snippet[data-snippet="${CSS.escape(name)}"]`)) {
      const block = fresh.cloneNode(true) as HTMLElement;
      figure.replaceWith(block);
      onBlock(block);
    }
  });
}
