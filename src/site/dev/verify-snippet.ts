import type { ServerInfo } from '../../db/server-info.ts';
import type { SnippetRun } from '../../report/schema.ts';
import type { ProjectPaths } from '../project.ts';

/**
 * `npm run dev` only: verifies one snippet on the primary target, against the server that
 * `runbooks db up` keeps for it, as `runbooks verify --only <name> --target <primary>` would
 * with that server running: lint, then the dry-run on a scratch copy of the fixture. The result
 * is merged into reports/verify.json (the other entries are kept), where the page reads it.
 *
 * It never starts a server: a live loop that spent seconds starting a throwaway cluster on
 * every save would not be one. runningDbUp says whether one runs; the loop tells the author
 * when none does.
 */

/** The server `runbooks db up` keeps for that target (PGTV_STATE_DIR says where it is recorded), if one runs. */
export async function runningDbUp(target: string): Promise<ServerInfo | undefined> {
  const { runningServer } = await import('../../db/state.ts');
  return runningServer(target);
}

export async function verifySnippet(options: { name: string; server: ServerInfo; paths: ProjectPaths; signal?: AbortSignal; progress: (line: string) => void }): Promise<{ run: SnippetRun | undefined; ms: number }> {
  const { name, paths, server: info, progress } = options;
  const [{ AttachedServer }, { verify }, { isAlive }] = await Promise.all([import('../../db/attached.ts'), import('../../verify/run.ts'), import('../../db/local/cluster.ts')]);
  const started = performance.now();
  // Borrowed, never owned: close() drops this run's scratch databases and leaves the server up.
  const server = new AttachedServer(info);
  const interrupted = onInterrupt(options.signal);
  try {
    // What a dev server killed in the middle of a verification left there (as verify itself does).
    for (const dropped of await server.reapAbandoned(isAlive)) progress(`dropped ${dropped}, left by a run that was killed`);
    const report = await verify({ root: paths.root, reportFile: paths.reportFile, only: name, server, signal: interrupted.signal, progress });
    return { run: report.snippets.find((entry) => entry.name === name)?.targets[info.target], ms: performance.now() - started };
  } finally {
    await server.close();
    interrupted.done();
  }
}

/**
 * Astro's dev server leaves Ctrl-C and SIGTERM to Node, which ends the process at once. While a
 * verification runs, they first abort it (it then drops what it created), and end the process
 * as the signal would have once it has: within 5 s, or at a second signal.
 */
function onInterrupt(outer: AbortSignal | undefined): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  outer?.addEventListener('abort', () => controller.abort(), { once: true });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  let received: NodeJS.Signals | undefined;
  const release = () => {
    for (const name of signals) process.off(name, handler);
  };
  const end = () => {
    release();
    if (received) process.kill(process.pid, received);
  };
  function handler(signal: NodeJS.Signals) {
    if (received) return end();
    received = signal;
    controller.abort();
    setTimeout(end, 5_000).unref();
  }
  for (const name of signals) process.on(name, handler);
  return { signal: controller.signal, done: () => (received ? end() : release()) };
}
