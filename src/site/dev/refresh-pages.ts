import { readFileSync } from 'node:fs';
import type { Root } from 'hast';
import rehypeStringify from 'rehype-stringify';
import { unified } from 'unified';
import type { EnvironmentModuleNode, RunnableDevEnvironment, ViteDevServer } from 'vite';
import { contentFiles } from '../check/check-site.ts';
import type { ProjectPaths } from '../project.ts';
import { readReport } from '../report/read-report.ts';
import { resolveSnippet } from '../report/snippet-status.ts';
import { renderSnippetBlock } from '../render/snippet-block.ts';
import { withLiveLint, withLiveNote } from './live-state.ts';

/**
 * `npm run dev` only: shows a snippet's new state on the open pages, without reloading them.
 *
 * - Its block is rendered again, exactly as the page renders it (the report as it is now, the
 *   live loop's lint findings and note), and sent to the browsers in a custom HMR event; the
 *   page script (client/live-snippets.ts) swaps the snippet's blocks for it in place. One block
 *   takes milliseconds, where rendering a long runbook again takes seconds.
 * - Vite keeps a page's compiled MDX until the MDX file itself changes, and the blocks are
 *   rendered when it compiles: the pages that embed the snippet are invalidated too, so that
 *   a reload (or a page opened later) shows the new state as well.
 */

/** The HMR event: `{ name, html }`, the snippet and its block's new HTML. */
export const SNIPPET_EVENT = 'runbooks:snippet';

export async function refreshSnippet(server: ViteDevServer, paths: ProjectPaths, base: string, name: string): Promise<void> {
  invalidatePages(server, paths, name);
  const resolved = withLiveLint(resolveSnippet(name, paths, readReport(paths.reportFile)));
  const block = withLiveNote(await renderSnippetBlock(resolved, { base }), resolved);
  const html = unified().use(rehypeStringify).stringify({ type: 'root', children: [block] } satisfies Root);
  server.ws.send(SNIPPET_EVENT, { name, html });
}

function invalidatePages(server: ViteDevServer, paths: ProjectPaths, name: string): void {
  // The pages that mention it: a text search, where parsing every page would take a second.
  const pages = contentFiles(paths.contentDir).filter((file) => readFileSync(file, 'utf8').includes(`"${name}"`));
  for (const environment of Object.values(server.environments)) {
    if (environment.name === 'client') continue;
    const seen = new Set<EnvironmentModuleNode>();
    for (const page of pages) {
      for (const module of environment.moduleGraph.getModulesByFile(page) ?? []) environment.moduleGraph.invalidateModule(module, seen, Date.now(), true);
    }
    // The module runner keeps what it evaluated apart from the graph: drop those too.
    const evaluated = 'runner' in environment ? (environment as RunnableDevEnvironment).runner.evaluatedModules : undefined;
    for (const module of seen) {
      const node = module.id ? evaluated?.getModuleById(module.id) : undefined;
      if (node) evaluated!.invalidateModule(node);
    }
  }
}
