import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { VerificationServer } from '../db/attached.ts';
import type { LocatedError, ScenarioRun } from '../report/schema.ts';
import { durationMs, verificationValues } from '../snippets/header.ts';
import { scriptOptions } from '../snippets/params.ts';
import type { Snippet } from '../snippets/snippet.ts';
import { runBashScript } from './bash-runner.ts';
import { runPsqlScript } from './psql-runner.ts';
import { CannotRunHere, startScenarioCluster } from './scenario-cluster.ts';
import { rowsAsObjects, type ScenarioContext, type ScenarioDefinition, type Session, type SnippetResult } from './scenario.ts';
import type { RunScratch } from './scratch.ts';

export const SCENARIO_SUFFIX = '.scenario.ts';

export interface ScenarioFile {
  name: string;
  file: string;
  relativeFile: string;
}

export async function findScenarioFiles(root: string, projectRoot: string): Promise<ScenarioFile[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(SCENARIO_SUFFIX))
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      return { name: path.relative(root, file).slice(0, -SCENARIO_SUFFIX.length).split(path.sep).join('/'), file, relativeFile: path.relative(projectRoot, file) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function loadScenario(file: ScenarioFile): Promise<ScenarioDefinition> {
  const module = (await import(pathToFileURL(file.file).href)) as { default?: ScenarioDefinition };
  const definition = module.default;
  if (!definition || typeof definition.run !== 'function' || !definition.title || !definition.runbook) {
    throw new Error(`${file.relativeFile}: must export default defineScenario({ title, runbook, run })`);
  }
  return definition;
}

/** The line in the scenario file an error was thrown from, for the report. */
function lineIn(error: unknown, file: string): number | undefined {
  const stack = (error as Error)?.stack ?? '';
  // Frames name the module by URL under plain Node and by path under some loaders.
  for (const name of [pathToFileURL(file).href, file]) {
    for (const line of stack.split('\n')) {
      const index = line.indexOf(name);
      if (index < 0) continue;
      const match = /^:(\d+):\d+\)?$/.exec(line.slice(index + name.length));
      if (match) return Number(match[1]);
    }
  }
  return undefined;
}

/** A scenario file and its definition, loaded once for every target it runs on. */
export interface LoadedScenario {
  file: ScenarioFile;
  definition?: ScenarioDefinition;
  loadError?: LocatedError;
}

export async function loadScenarioFile(file: ScenarioFile): Promise<LoadedScenario> {
  try {
    return { file, definition: await loadScenario(file) };
  } catch (error) {
    return { file, loadError: { message: (error as Error).message, file: file.relativeFile, line: lineIn(error, file.file) ?? 1 } };
  }
}

export interface ScenarioOutcome {
  run: ScenarioRun;
  /** The snippets it ran on this target. */
  snippets: string[];
}

export async function runScenario(
  loaded: LoadedScenario,
  server: VerificationServer,
  snippets: Map<string, Snippet>,
  runId: string,
  scratch: RunScratch,
  signal?: AbortSignal,
): Promise<ScenarioOutcome> {
  const { file, definition } = loaded;
  const started = performance.now();
  const steps: ScenarioRun['steps'] = [];
  const usedSnippets = new Set<string>();
  if (!definition) return { run: { status: 'failed', durationMs: 0, steps, error: loaded.loadError }, snippets: [] };
  const applicationName = `runbooks-scenario-${runId}-${file.name.replaceAll('/', '-')}`.slice(0, 63);
  const database = await server.createScratch(file.name.split('/').pop());
  const databaseUrl = server.url(database);
  const sessions: pg.Client[] = [];
  const connect = async (label: string) => {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: `${applicationName}-${label}`.slice(0, 63) });
    client.on('error', () => undefined);
    await client.connect();
    sessions.push(client);
    return client;
  };

  let failure: unknown;
  const clusters: { remove(): Promise<void> }[] = [];
  try {
    const main = await connect('main');
    const context: ScenarioContext = {
      databaseUrl,
      target: { id: server.info.target, postgresVersion: server.info.postgresVersion, pgTviewsVersion: server.info.pgTviewsVersion, binDir: server.info.binDir },
      sql: async (text, values) => (await main.query(text, values)).rows,
      session: async (label = 'session') => {
        const client = await connect(label);
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        const session: Session = {
          pid: rows[0].pid,
          query: async (text, values) => (await client.query(text, values)).rows,
          end: () => client.end(),
        };
        return session;
      },
      cluster: async ({ pgTviewsVersion }) => {
        const cluster = await startScenarioCluster(server.info, pgTviewsVersion);
        clusters.push(cluster);
        return cluster;
      },
      snippet: async (name, params = {}, options = {}) => {
        const snippetDatabase = options.databaseUrl ?? databaseUrl;
        const snippet = snippets.get(name);
        if (!snippet?.header) throw new Error(`scenario uses snippet '${name}', which does not exist or has no valid header`);
        usedSnippets.add(name);
        const values = { ...verificationValues(snippet.header), ...params };
        const timeoutMs = durationMs(snippet.header.timeout);
        let result: SnippetResult;
        if (snippet.language === 'sql') {
          const run = await runPsqlScript(snippet.text, { databaseUrl: snippetDatabase, binDir: server.info.binDir, params: values, wrap: 'none', timeoutMs, applicationName, signal });
          result = { results: run.results, rows: rowsAsObjects(run.results.at(-1)), output: run.transcript, error: run.error?.message };
        } else {
          const args = [...(snippet.header.verifyArgs ?? []), ...scriptOptions(values)];
          const run = await runBashScript(snippet.file, { args, databaseUrl: snippetDatabase, binDir: server.info.binDir, timeoutMs, applicationName, signal, scratchDir: scratch.dir });
          result = {
            results: [], rows: [], output: [run.stdout, run.stderr].filter(Boolean).join('\n'), exitCode: run.exitCode, stubCalls: run.stubCalls,
            error: run.exitCode === 0 ? undefined : `exit status ${run.exitCode}${run.timedOut ? ' (timed out)' : ''}: ${run.stderr.trim().split('\n').at(-1) ?? ''}`,
          };
        }
        if (result.error && !options.allowError) throw new Error(`snippet ${name} failed: ${result.error}`);
        return result;
      },
      tempDir: (label = 'scenario') => scratch.tempDir(`${file.name.split('/').pop()}-${label}`),
      step: async (description, work) => {
        const stepStarted = performance.now();
        try {
          const value = await work();
          steps.push({ description, status: 'passed', durationMs: performance.now() - stepStarted });
          return value;
        } catch (error) {
          steps.push({ description, status: 'failed', durationMs: performance.now() - stepStarted, message: (error as Error).message });
          throw error;
        }
      },
    };
    const limit = durationMs(definition.timeout ?? '60s');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      definition.run(context),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`scenario timed out after ${limit} ms`)), limit))),
      new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('interrupted')), { once: true })),
    ]).finally(() => clearTimeout(timer));
  } catch (error) {
    failure = error;
  } finally {
    await Promise.all(sessions.map((s) => s.end().catch(() => undefined)));
    await Promise.all(clusters.map((c) => c.remove().catch(() => undefined)));
    await server.sweep(database).catch(() => undefined);
    await server.dropScratch(database).catch(() => undefined);
  }
  if (failure instanceof CannotRunHere) {
    return { run: { status: 'skipped', reason: failure.message, durationMs: performance.now() - started, steps }, snippets: [...usedSnippets].sort() };
  }
  return {
    run: {
      status: failure ? 'failed' : 'passed',
      durationMs: performance.now() - started,
      steps,
      error: failure ? { message: (failure as Error).message ?? String(failure), file: file.relativeFile, line: lineIn(failure, file.file) } : undefined,
    },
    snippets: [...usedSnippets].sort(),
  };
}
