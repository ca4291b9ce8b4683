import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AstroIntegrationLogger } from 'astro';
import type { ViteDevServer } from 'vite';
import { formatDiagnostic } from '../../lint/diagnostic.ts';
import { parseSnippet, snippetName } from '../../snippets/snippet.ts';
import type { ProjectPaths } from '../project.ts';
import { readTargets } from '../report/read-targets.ts';
import { lintSnippet } from './lint-snippet.ts';
import { setLiveSnippet, type LiveSnippet } from './live-state.ts';
import { refreshSnippet } from './refresh-pages.ts';
import { runningDbUp, verifySnippet } from './verify-snippet.ts';

/**
 * `npm run dev`: the author's live loop. Started by the site integration's
 * `astro:server:setup` hook; watches snippets/ through Vite's watcher. For each saved snippet:
 *
 *   1. lint it (lint-snippet.ts), remember the findings (live-state.ts) and send its block,
 *      rendered again, to the open pages (refresh-pages.ts): lint errors are on its badge at
 *      once, and the terminal lists them as `runbooks lint` does;
 *   2. verify it on the primary target against the running `runbooks db up` server
 *      (verify-snippet.ts), which rewrites its entry in reports/verify.json, and send the block
 *      again: the badge shows the result. With no such server it starts none and says so, on
 *      the page and here.
 *
 * One check at a time (verify rewrites the report); saves during a check are queued, several
 * saves of one file become one check. Stopping the dev server aborts a running verification,
 * which then drops the scratch databases it made.
 */

const SNIPPET_FILE = /\.(sql|sh)$/;
/** Editors save in steps (truncate, write, rename): wait for the file to settle. */
const SETTLE_MS = 80;

export interface SnippetLoop {
  stop(): void;
}

export function startSnippetLoop({ server, logger, paths, base }: { server: ViteDevServer; logger: AstroIntegrationLogger; paths: ProjectPaths; base: string }): SnippetLoop {
  const target = readTargets(paths.targetsFile)[0].id;
  const stopped = new AbortController();
  const queue = new Map<string, string>();
  const timers = new Map<string, NodeJS.Timeout>();
  let running = false;

  const drain = async () => {
    if (running) return;
    running = true;
    while (queue.size > 0 && !stopped.signal.aborted) {
      const [name, file] = queue.entries().next().value!;
      queue.delete(name);
      await check(name, file).catch((error: Error) => logger.error(`${name}: ${error.message}`));
    }
    running = false;
  };

  const check = async (name: string, file: string) => {
    const relative = path.relative(paths.root, file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // Deleted or renamed: the page shows it missing.
      await refreshSnippet(server, paths, base, name);
      return;
    }
    const sha256 = parseSnippet(text, file, { projectRoot: paths.root, snippetsRoot: paths.snippetsDir }).sha256;
    const publish = async (state: LiveSnippet) => {
      setLiveSnippet(name, state);
      await refreshSnippet(server, paths, base, name);
    };
    let state: LiveSnippet;
    try {
      const lint = await lintSnippet(file, paths);
      for (const diagnostic of [...lint.errors, ...lint.warnings]) logger.warn(formatDiagnostic(diagnostic));
      logger.info(`${relative}: lint ${lint.errors.length} error(s), ${lint.warnings.length} warning(s) (${(lint.ms / 1000).toFixed(2)} s)`);
      state = { sha256, lintErrors: lint.errors, lintWarnings: lint.warnings.length, phase: { kind: 'verifying', target } };
    } catch (error) {
      logger.error(`${relative}: lint failed: ${(error as Error).message}`);
      await publish({ sha256, lintErrors: [], lintWarnings: 0, phase: { kind: 'error', message: `lint failed: ${(error as Error).message}` } });
      return;
    }

    const dbUp = await runningDbUp(target);
    if (!dbUp) {
      logger.warn(`${relative}: not verified: no \`runbooks db up\` server runs for ${target}; start one (npx runbooks db up --detach) and save again`);
      await publish({ ...state, phase: { kind: 'no-server', target } });
      return;
    }
    await publish(state);
    try {
      const { run, ms } = await verifySnippet({ name, server: dbUp, paths, signal: stopped.signal, progress: (line) => logger.info(line) });
      await publish({ ...state, phase: { kind: 'verified', target, status: run?.status ?? 'skipped', ms, at: new Date() } });
    } catch (error) {
      if (stopped.signal.aborted) return;
      logger.error(`${relative}: verification failed to run: ${(error as Error).message}`);
      await publish({ ...state, phase: { kind: 'error', message: (error as Error).message } });
    }
  };

  const onFile = (file: string) => {
    const relative = path.relative(paths.snippetsDir, file);
    if (relative.startsWith('..') || path.isAbsolute(relative) || !SNIPPET_FILE.test(file)) return;
    const name = snippetName(file, paths.snippetsDir);
    clearTimeout(timers.get(name));
    timers.set(
      name,
      setTimeout(() => {
        timers.delete(name);
        queue.set(name, file);
        void drain();
      }, SETTLE_MS),
    );
  };

  server.watcher.add(paths.snippetsDir);
  for (const event of ['add', 'change', 'unlink'] as const) server.watcher.on(event, onFile);
  void runningDbUp(target).then((dbUp) =>
    dbUp
      ? logger.info(`live loop: a saved snippet is linted, then verified on ${target} against the \`runbooks db up\` server (${dbUp.provider}, ${dbUp.postgresVersion})`)
      : logger.warn(`live loop: a saved snippet is linted; no \`runbooks db up\` server runs for ${target}, so it is not verified: start one (npx runbooks db up --detach) to verify on save`),
  );

  return {
    stop() {
      stopped.abort();
      for (const timer of timers.values()) clearTimeout(timer);
      for (const event of ['add', 'change', 'unlink'] as const) server.watcher.off(event, onFile);
    },
  };
}
