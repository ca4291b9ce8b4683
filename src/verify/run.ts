import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../config/paths.ts';
import { acquireServer } from '../db/acquire.ts';
import type { VerificationServer } from '../db/attached.ts';
import type { ProviderName } from '../db/provider.ts';
import { createLintContext, type Diagnostic, deriveSafety, lintSnippets } from '../lint/index.ts';
import { SNAPSHOT_FILE } from '../api/live.ts';
import { toJunit } from '../report/junit.ts';
import { type Check, type LocatedError, type Report, REPORT_SCHEMA_VERSION, reportSchema, type ScenarioEntry, type SnippetEntry } from '../report/schema.ts';
import { loadSnippets, type Snippet } from '../snippets/snippet.ts';
import { dryRunSnippet, type DryRunContext } from './dry-run.ts';
import { findScenarioFiles, runScenario, type ScenarioFile } from './scenario-runner.ts';
import { defaultBase, type Selection, selectAll, selectChanged } from './selection.ts';

const run = promisify(execFile);


export interface VerifyOptions {
  /** A folder laid out like this project (snippets/, content/, scenarios/); default: this project. */
  root?: string;
  only?: string;
  changed?: boolean;
  base?: string;
  reportFile?: string;
  junitFile?: string;
  provider?: ProviderName;
  /** A server to use instead of acquiring one (tests); only this run's scratch databases are dropped. */
  server?: VerificationServer;
  concurrency?: number;
  progress?: (line: string) => void;
  /** Aborting stops the run: running snippets are killed, everything created is removed, and verify throws InterruptedError. */
  signal?: AbortSignal;
}

export class InterruptedError extends Error {}

/** Runs `work` over `items` with at most `limit` at a time, keeping the order of results. */
export async function mapPool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}

async function gitFacts(root: string): Promise<{ commit: string | null; dirty: boolean }> {
  try {
    const commit = (await run('git', ['rev-parse', 'HEAD'], { cwd: root })).stdout.trim();
    const status = (await run('git', ['status', '--porcelain'], { cwd: root })).stdout;
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: true };
  }
}

function lintChecks(diagnostics: Diagnostic[]): { checks: Check[]; error?: LocatedError } {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const byRule = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) byRule.set(d.rule, [...(byRule.get(d.rule) ?? []), d]);
  const checks: Check[] = [{ name: 'lint', status: errors.length ? 'failed' : 'passed', message: errors.length ? `${errors.length} lint error(s)` : undefined }];
  for (const [rule, found] of byRule) {
    checks.push({ name: `lint:${rule}`, status: found.some((d) => d.severity === 'error') ? 'failed' : 'passed', message: found.map((d) => `${d.line}:${d.column} ${d.message}`).join('; ') });
  }
  const first = errors[0];
  return { checks, error: first ? { message: first.message, file: first.file, line: first.line, column: first.column, rule: first.rule, hint: first.hint } : undefined };
}

async function verifySnippet(snippet: Snippet, diagnostics: Diagnostic[], context: DryRunContext): Promise<SnippetEntry> {
  const started = performance.now();
  const lint = lintChecks(diagnostics);
  const derived = snippet.language === 'sql' && snippet.header ? await deriveSafety(snippet).catch(() => undefined) : undefined;
  const base: SnippetEntry = {
    name: snippet.name,
    file: snippet.relativeFile,
    language: snippet.language,
    sha256: snippet.sha256,
    title: snippet.header?.title,
    declaredSafety: snippet.header?.safety,
    derivedSafety: derived ? { class: derived.class, nonTransactional: derived.nonTransactional } : undefined,
    status: 'failed',
    checks: lint.checks,
    durationMs: 0,
  };
  if (lint.error || !snippet.header) {
    return { ...base, checks: [...lint.checks, { name: 'dry-run', status: 'skipped', message: 'not run: fix the lint errors first' }], error: lint.error, durationMs: performance.now() - started };
  }
  try {
    const outcome = await dryRunSnippet(snippet, derived, context);
    return {
      ...base,
      status: outcome.error ? 'failed' : 'passed',
      checks: [...lint.checks, { name: 'dry-run', status: outcome.error ? 'failed' : 'passed', message: `isolation: ${outcome.isolation}` }, ...outcome.checks],
      isolation: outcome.isolation,
      output: outcome.output.slice(0, 20_000),
      results: outcome.results,
      error: outcome.error,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    return { ...base, checks: [...lint.checks, { name: 'dry-run', status: 'failed', message: (error as Error).message }], error: { message: (error as Error).message, file: snippet.relativeFile, line: snippet.bodyLine }, durationMs: performance.now() - started };
  }
}

/** Entries of the previous report for what this run did not cover, so the report stays whole. */
async function previousEntries(file: string, selection: Selection, existing: { snippets: Set<string>; scenarios: Set<string> }): Promise<{ snippets: SnippetEntry[]; scenarios: ScenarioEntry[] }> {
  if (!selection.partial) return { snippets: [], scenarios: [] };
  try {
    const previous = reportSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    return {
      snippets: previous.snippets.filter((s) => !selection.snippets.has(s.name) && existing.snippets.has(s.name)),
      scenarios: previous.scenarios.filter((s) => !selection.scenarios.has(s.name) && existing.scenarios.has(s.name)),
    };
  } catch {
    return { snippets: [], scenarios: [] };
  }
}

/** Every runbook page under content/, so that lint checks their snippet references too. */
async function runbookFiles(contentRoot: string): Promise<string[]> {
  const entries = await readdir(contentRoot, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && /\.mdx?$/.test(e.name)).map((e) => path.join(e.parentPath, e.name));
}

function symbol(status: 'passed' | 'failed' | 'skipped'): string {
  return status === 'passed' ? '✓' : status === 'failed' ? '✗' : '-';
}

export async function verify(options: VerifyOptions = {}): Promise<Report> {
  const started = performance.now();
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const root = options.root ?? projectRoot;
  const reportFile = options.reportFile ?? path.join(root, 'reports', 'verify.json');
  const layout = { projectRoot: root, snippetsRoot: path.join(root, 'snippets'), contentRoot: path.join(root, 'content'), snapshotFile: SNAPSHOT_FILE };
  const [snippets, scenarioFiles] = await Promise.all([
    loadSnippets([layout.snippetsRoot], layout).catch(() => [] as Snippet[]),
    findScenarioFiles(path.join(root, 'scenarios'), root),
  ]);
  const lintContext = await createLintContext(layout, await runbookFiles(layout.contentRoot));
  const diagnostics = await lintSnippets(snippets, lintContext);
  const selection = options.changed
    ? await selectChanged({ projectRoot: root, base: options.base ?? (await defaultBase(root)), snippets, scenarios: scenarioFiles, references: lintContext.runbookReferences ?? [] })
    : await selectAll(snippets, scenarioFiles, options.only);
  const chosenSnippets = snippets.filter((s) => selection.snippets.has(s.name));
  const chosenScenarios = scenarioFiles.filter((s) => selection.scenarios.has(s.name));
  const snippetFiles = new Set(snippets.map((s) => s.relativeFile));
  const problems: LocatedError[] = diagnostics
    .filter((d) => d.severity === 'error' && !snippetFiles.has(d.file))
    .map((d) => ({ message: d.message, file: d.file, line: d.line, column: d.column, rule: d.rule, hint: d.hint }));
  progress(`verifying ${chosenSnippets.length} snippet(s) and ${chosenScenarios.length} scenario(s): ${selection.reason}`);
  for (const problem of problems) progress(`✗ ${problem.file}:${problem.line}:${problem.column ?? 1}  ${problem.rule}  ${problem.message}`);

  const concurrency = options.concurrency ?? os.availableParallelism();
  const runId = randomBytes(3).toString('hex');
  let server: VerificationServer | undefined;
  let snippetEntries: SnippetEntry[] = [];
  let scenarioEntries: ScenarioEntry[] = [];
  try {
    server = options.server ?? (await acquireServer({ provider: options.provider, onLog: (line) => progress(line) }));
    const sharedDatabase = await server.createScratch('dry_run_shared');
    const total = chosenSnippets.length + chosenScenarios.length;
    let done = 0;
    const report = (kind: string, name: string, status: 'passed' | 'failed' | 'skipped', ms: number, error?: LocatedError) => {
      done++;
      progress(`[${String(done).padStart(String(total).length)}/${total}] ${symbol(status)} ${kind} ${name} (${Math.round(ms)} ms)`);
      if (error) progress(`      ${error.file}:${error.line ?? 1}${error.column ? `:${error.column}` : ''}  ${error.rule ?? 'error'}  ${error.message.split('\n')[0]}`);
    };
    const context: DryRunContext = { server, sharedDatabase, runId, signal: options.signal };
    const byName = new Map(snippets.map((s) => [s.name, s]));
    const diagnosticsByFile = Map.groupBy(diagnostics, (d) => d.file);
    snippetEntries = await mapPool(chosenSnippets, concurrency, async (snippet) => {
      const entry = await verifySnippet(snippet, diagnosticsByFile.get(snippet.relativeFile) ?? [], context);
      report('snippet', entry.name, entry.status, entry.durationMs, entry.error);
      return entry;
    }, options.signal);
    scenarioEntries = await mapPool(chosenScenarios, concurrency, async (file: ScenarioFile) => {
      const entry = await runScenario(file, server!, byName, runId, options.signal);
      report('scenario', entry.name, entry.status, entry.durationMs, entry.error);
      return entry;
    }, options.signal);
    await server.dropScratch(sharedDatabase);
    if (options.signal?.aborted) throw new InterruptedError('interrupted: nothing was written, and every database this run created is gone');
  } finally {
    if (!options.server) await server?.close();
  }

  const kept = await previousEntries(reportFile, selection, { snippets: new Set(snippets.map((s) => s.name)), scenarios: new Set(scenarioFiles.map((s) => s.name)) });
  const allSnippets = [...snippetEntries, ...kept.snippets].sort((a, b) => a.name.localeCompare(b.name));
  const allScenarios = [...scenarioEntries, ...kept.scenarios].sort((a, b) => a.name.localeCompare(b.name));
  const count = (entries: { status: string }[]) => ({
    passed: entries.filter((e) => e.status === 'passed').length,
    failed: entries.filter((e) => e.status === 'failed').length,
    skipped: entries.filter((e) => e.status === 'skipped').length,
  });
  const git = await gitFacts(root);
  const report: Report = reportSchema.parse({
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: new Date().toISOString(),
    environment: {
      postgres: server!.info.postgresVersion.split(' ')[0],
      pgTviews: server!.info.pgTviewsVersion,
      provider: server!.info.provider,
      commit: git.commit,
      dirty: git.dirty,
      node: process.versions.node,
    },
    partial: allSnippets.length < snippets.length || allScenarios.length < scenarioFiles.length,
    summary: { snippets: count(snippetEntries), scenarios: count(scenarioEntries), durationMs: performance.now() - started },
    snippets: allSnippets,
    scenarios: allScenarios,
    problems,
  });
  await mkdir(path.dirname(reportFile), { recursive: true });
  await writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  if (options.junitFile) {
    await mkdir(path.dirname(path.resolve(options.junitFile)), { recursive: true });
    await writeFile(options.junitFile, toJunit(report));
  }
  return report;
}
