import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { claimedTargets, type TargetClaim } from '../config/claims.ts';
import { projectRoot } from '../config/paths.ts';
import { findTarget, loadTargets } from '../config/targets.ts';
import { UsageError } from '../errors/index.ts';
import { acquireServer } from '../db/acquire.ts';
import type { VerificationServer } from '../db/attached.ts';
import type { ProviderName } from '../db/provider.ts';
import { createLintContext, type Diagnostic, deriveSafety, type DerivedSafety, lintSnippets } from '../lint/index.ts';
import { projectSnapshots } from '../api/live.ts';
import { toJunit } from '../report/junit.ts';
import { mergeReports } from '../report/merge.ts';
import { type Check, type LocatedError, overallStatus, type Report, REPORT_SCHEMA_VERSION, type ReportTarget, reportSchema, type ScenarioEntry, type SnippetEntry, type SnippetRun } from '../report/schema.ts';
import { loadSnippets, type Snippet } from '../snippets/snippet.ts';
import { dryRunSnippet, type DryRunContext } from './dry-run.ts';
import { findScenarioFiles, loadScenarioFile, runScenario, type ScenarioOutcome } from './scenario-runner.ts';
import { defaultBase, type Shard, selectAll, selectChanged, selectShard } from './selection.ts';
import { openRunScratch } from './scratch.ts';

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
  /** Target ids to verify on (default: every target of targets.env), each on its own server. */
  targets?: string[];
  /** Only this part of the selection: shard `index` (1-based) of `count`, split by name. */
  shard?: Shard;
  /** Ignore the previous report instead of keeping what it says about what this run did not cover. */
  fresh?: boolean;
  /** A server to use instead of acquiring one (tests): the run covers its target only, and only this run's scratch databases are dropped. */
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

/** Lint findings that hold on this target: most hold on all, API findings may name some. */
function forTarget(diagnostics: Diagnostic[], target: string): Diagnostic[] {
  return diagnostics.filter((d) => !d.targets || d.targets.includes(target));
}

async function verifySnippet(snippet: Snippet, derived: DerivedSafety | undefined, diagnostics: Diagnostic[], context: DryRunContext): Promise<SnippetRun> {
  const started = performance.now();
  const lint = lintChecks(diagnostics);
  if (lint.error || !snippet.header) {
    return { status: 'failed', checks: [...lint.checks, { name: 'dry-run', status: 'skipped', message: 'not run: fix the lint errors first' }], error: lint.error, durationMs: performance.now() - started };
  }
  try {
    const outcome = await dryRunSnippet(snippet, derived, context);
    return {
      status: outcome.error ? 'failed' : 'passed',
      checks: [...lint.checks, { name: 'dry-run', status: outcome.error ? 'failed' : 'passed', message: `isolation: ${outcome.isolation}` }, ...outcome.checks],
      isolation: outcome.isolation,
      output: outcome.output.slice(0, 20_000),
      results: outcome.results,
      error: outcome.error,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    return { status: 'failed', checks: [...lint.checks, { name: 'dry-run', status: 'failed', message: (error as Error).message }], error: { message: (error as Error).message, file: snippet.relativeFile, line: snippet.bodyLine }, durationMs: performance.now() - started };
  }
}

/** The run of an entry on a target its claim leaves out. */
function notClaimed(claim: TargetClaim | undefined): { status: 'skipped'; reason: string; durationMs: 0 } {
  return { status: 'skipped', reason: `not claimed: ${claim?.reason ?? ''}`.trim(), durationMs: 0 };
}

/** The previous report, when there is a valid one of this schema version. */
async function previousReport(file: string): Promise<Report | undefined> {
  try {
    return reportSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return undefined;
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

interface TargetOutcome {
  target: ReportTarget;
  snippets: Map<string, SnippetRun>;
  scenarios: Map<string, ScenarioOutcome>;
}

export async function verify(options: VerifyOptions = {}): Promise<Report> {
  const started = performance.now();
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const root = options.root ?? projectRoot;
  const reportFile = options.reportFile ?? path.join(root, 'reports', 'verify.json');
  const allTargets = loadTargets();
  const targets = options.server ? [] : (options.targets ?? allTargets.all.map((t) => t.id)).map((id) => findTarget(id, allTargets));
  const layout = { projectRoot: root, snippetsRoot: path.join(root, 'snippets'), contentRoot: path.join(root, 'content'), snapshots: projectSnapshots() };
  const [snippets, scenarioFiles] = await Promise.all([
    loadSnippets([layout.snippetsRoot], layout).catch(() => [] as Snippet[]),
    findScenarioFiles(path.join(root, 'scenarios'), root),
  ]);
  const lintContext = await createLintContext(layout, await runbookFiles(layout.contentRoot));
  const diagnostics = await lintSnippets(snippets, lintContext);
  let selection = options.changed
    ? await selectChanged({ projectRoot: root, base: options.base ?? (await defaultBase(root)), snippets, scenarios: scenarioFiles, references: lintContext.runbookReferences ?? [] })
    : await selectAll(snippets, scenarioFiles, options.only);
  if (options.only && selection.snippets.size === 0 && selection.scenarios.size === 0) {
    throw new UsageError(`--only '${options.only}' matches no snippet or scenario: names look like 'health/tview-status' or 'health/*' ('runbooks lint' lists the files)`);
  }
  if (options.shard) selection = selectShard(selection, options.shard);
  const chosenSnippets = snippets.filter((s) => selection.snippets.has(s.name));
  const loadedScenarios = await Promise.all(scenarioFiles.filter((s) => selection.scenarios.has(s.name)).map(loadScenarioFile));
  const snippetFiles = new Set(snippets.map((s) => s.relativeFile));
  const problems: LocatedError[] = diagnostics
    .filter((d) => d.severity === 'error' && !snippetFiles.has(d.file))
    .map((d) => ({ message: d.message, file: d.file, line: d.line, column: d.column, rule: d.rule, hint: d.hint }));
  const targetNames = options.server ? options.server.info.target : targets.map((t) => t.id).join(', ');
  progress(`verifying ${chosenSnippets.length} snippet(s) and ${loadedScenarios.length} scenario(s) on ${targetNames}: ${selection.reason}`);
  for (const problem of problems) progress(`✗ ${problem.file}:${problem.line}:${problem.column ?? 1}  ${problem.rule}  ${problem.message}`);

  // One after another: each parse keeps parser memory until the next await releases it.
  const derived = new Map<string, DerivedSafety | undefined>();
  for (const s of chosenSnippets) derived.set(s.name, s.language === 'sql' && s.header ? await deriveSafety(s).catch(() => undefined) : undefined);
  const diagnosticsByFile = Map.groupBy(diagnostics, (d) => d.file);
  const byName = new Map(snippets.map((s) => [s.name, s]));
  const concurrency = options.concurrency ?? os.availableParallelism();
  const runId = randomBytes(3).toString('hex');

  /** Verifies the selection on one server; every target gets its own. */
  const onServer = async (server: VerificationServer): Promise<TargetOutcome> => {
    const targetStarted = performance.now();
    const id = server.info.target;
    const claimedHere = (claim: TargetClaim | undefined) => claimedTargets(claim, allTargets.all).some((t) => t.id === id) || !allTargets.all.some((t) => t.id === id);
    const total = chosenSnippets.length + loadedScenarios.length;
    let done = 0;
    const report = (kind: string, name: string, status: 'passed' | 'failed' | 'skipped', ms: number, error?: LocatedError) => {
      done++;
      progress(`[${id} ${String(done).padStart(String(total).length)}/${total}] ${symbol(status)} ${kind} ${name} (${Math.round(ms)} ms)`);
      if (error) progress(`      ${error.file}:${error.line ?? 1}${error.column ? `:${error.column}` : ''}  ${error.rule ?? 'error'}  ${error.message.split('\n')[0]}`);
    };
    const sharedDatabase = await server.createScratch('dry_run_shared');
    const context: DryRunContext = { server, sharedDatabase, runId, signal: options.signal, scratchDir: scratch.dir };
    const snippetRuns = await mapPool(chosenSnippets, concurrency, async (snippet) => {
      const run: SnippetRun = claimedHere(snippet.header?.targets)
        ? await verifySnippet(snippet, derived.get(snippet.name), forTarget(diagnosticsByFile.get(snippet.relativeFile) ?? [], id), context)
        : { ...notClaimed(snippet.header?.targets), checks: [] };
      report('snippet', snippet.name, run.status, run.durationMs, run.error);
      return [snippet.name, run] as const;
    }, options.signal);
    const scenarioRuns = await mapPool(loadedScenarios, concurrency, async (loaded) => {
      const outcome: ScenarioOutcome = claimedHere(loaded.definition?.targets)
        ? await runScenario(loaded, server, byName, runId, scratch, options.signal)
        : { run: { ...notClaimed(loaded.definition?.targets), steps: [] }, snippets: [] };
      report('scenario', loaded.file.name, outcome.run.status, outcome.run.durationMs, outcome.run.error);
      return [loaded.file.name, outcome] as const;
    }, options.signal);
    await server.dropScratch(sharedDatabase);
    const target: ReportTarget = {
      id,
      primary: id === allTargets.primary.id,
      postgres: server.info.postgresVersion,
      pgTviews: server.info.pgTviewsVersion,
      provider: server.info.provider,
      summary: { snippets: { passed: 0, failed: 0, skipped: 0 }, scenarios: { passed: 0, failed: 0, skipped: 0 }, durationMs: performance.now() - targetStarted },
    };
    return { target, snippets: new Map(snippetRuns), scenarios: new Map(scenarioRuns) };
  };

  const outcomes: TargetOutcome[] = [];
  const scratch = await openRunScratch();
  try {
    if (options.server) {
      outcomes.push(await onServer(options.server));
    } else {
      for (const target of targets) {
        if (options.signal?.aborted) break;
        let server: VerificationServer | undefined;
        try {
          server = await acquireServer({ target: target.id, provider: options.provider, onLog: (line) => progress(line) });
          outcomes.push(await onServer(server));
        } finally {
          await server?.close();
        }
        // The url provider is one server whatever the target: once is all there is to do.
        if (options.provider === 'url') break;
      }
    }
  } finally {
    await scratch.remove();
  }
  if (options.signal?.aborted) throw new InterruptedError('interrupted: nothing was written, and every database this run created is gone');

  const snippetEntries: SnippetEntry[] = chosenSnippets.map((snippet) => {
    const runs = Object.fromEntries(outcomes.map((o) => [o.target.id, o.snippets.get(snippet.name)!]));
    const found = derived.get(snippet.name);
    return {
      name: snippet.name,
      file: snippet.relativeFile,
      language: snippet.language,
      sha256: snippet.sha256,
      title: snippet.header?.title,
      declaredSafety: snippet.header?.safety,
      derivedSafety: found ? { class: found.class, nonTransactional: found.nonTransactional } : undefined,
      status: overallStatus(Object.values(runs)),
      targets: runs,
    };
  });
  const scenarioEntries: ScenarioEntry[] = loadedScenarios.map(({ file, definition }) => {
    const outcomes_ = outcomes.map((o) => [o.target.id, o.scenarios.get(file.name)!] as const);
    const runs = Object.fromEntries(outcomes_.map(([id, o]) => [id, o.run]));
    return {
      name: file.name,
      file: file.relativeFile,
      title: definition?.title ?? file.name,
      runbook: definition?.runbook ?? '',
      snippets: [...new Set(outcomes_.flatMap(([, o]) => o.snippets))].sort(),
      status: overallStatus(Object.values(runs)),
      targets: runs,
    };
  });
  const git = await gitFacts(root);
  const current: Report = reportSchema.parse({
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: new Date().toISOString(),
    environment: { commit: git.commit, dirty: git.dirty, node: process.versions.node },
    targets: outcomes.map((o) => o.target),
    partial: true,
    summary: { snippets: { passed: 0, failed: 0, skipped: 0 }, scenarios: { passed: 0, failed: 0, skipped: 0 }, durationMs: performance.now() - started },
    snippets: snippetEntries,
    scenarios: scenarioEntries,
    problems,
  });
  // A run that covered only part of the library (--only, --changed, --shard, --target) keeps
  // what the previous report knew about the rest.
  const library = { snippets: snippets.map((s) => s.name), scenarios: scenarioFiles.map((s) => s.name) };
  const previous = options.fresh ? undefined : await previousReport(reportFile);
  const merged = mergeReports(previous ? [previous, current] : [current], library);
  const result: Report = { ...merged, summary: { snippets: countRuns(snippetEntries), scenarios: countRuns(scenarioEntries), durationMs: performance.now() - started } };
  await mkdir(path.dirname(reportFile), { recursive: true });
  await writeFile(reportFile, `${JSON.stringify(result, null, 2)}\n`);
  if (options.junitFile) {
    await mkdir(path.dirname(path.resolve(options.junitFile)), { recursive: true });
    await writeFile(options.junitFile, toJunit(result));
  }
  return result;
}

/** What this run verified, by entry (not what the merged report holds). */
function countRuns(entries: { status: string }[]) {
  return {
    passed: entries.filter((e) => e.status === 'passed').length,
    failed: entries.filter((e) => e.status === 'failed').length,
    skipped: entries.filter((e) => e.status === 'skipped').length,
  };
}
