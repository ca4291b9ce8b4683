import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RunbookReference } from '../lint/runbook-references.ts';
import type { Snippet } from '../snippets/snippet.ts';
import type { ScenarioFile } from './scenario-runner.ts';

const run = promisify(execFile);

/**
 * Which snippets and scenarios a verify run covers: all, those matching --only, or (with
 * --changed) those that differ from the base branch, the snippets a changed runbook embeds and
 * the scenarios that run a selected snippet.
 */

export interface Selection {
  snippets: Set<string>;
  scenarios: Set<string>;
  partial: boolean;
  /** Why, for the progress output. */
  reason: string;
}

/** Files whose change can alter every result: then --changed verifies everything. */
const EVERYTHING = [/^fixtures\//, /^src\/(db|verify|snippets|lint|config)\//, /^targets\.env$/, /^scripts\/(provision-target|build-extension)\.sh$/, /^package-lock\.json$/, /^src\/api\/snapshots\//];

/** Snippet names a scenario file runs, read from its source (`.snippet('area/name'`). */
export async function snippetsUsedBy(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return [...text.matchAll(/\.snippet\(\s*['"`]([^'"`]+)['"`]/g)].map((m) => m[1]);
}

async function git(args: string[], cwd: string): Promise<string> {
  return (await run('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 })).stdout;
}

export async function defaultBase(cwd: string): Promise<string> {
  if (process.env.PGTV_BASE_REF) return process.env.PGTV_BASE_REF;
  for (const candidate of ['origin/main', 'main']) {
    try {
      await git(['rev-parse', '--verify', '--quiet', candidate], cwd);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return 'HEAD';
}

/** Files changed since the merge base with `base`, committed or not, relative to the root. */
export async function changedFiles(projectRoot: string, base: string): Promise<string[]> {
  const mergeBase = (await git(['merge-base', base, 'HEAD'], projectRoot).catch(() => base)).trim();
  const committed = await git(['diff', '--name-only', `${mergeBase}...HEAD`], projectRoot).catch(() => '');
  const working = await git(['status', '--porcelain', '--untracked-files=all'], projectRoot);
  const files = new Set(committed.split('\n').filter(Boolean));
  for (const line of working.split('\n').filter(Boolean)) files.add(line.slice(3).replace(/^.* -> /, ''));
  return [...files].sort();
}

export async function selectAll(snippets: Snippet[], scenarios: ScenarioFile[], only?: string): Promise<Selection> {
  if (!only) return { snippets: new Set(snippets.map((s) => s.name)), scenarios: new Set(scenarios.map((s) => s.name)), partial: false, reason: 'everything' };
  return {
    snippets: new Set(snippets.filter((s) => path.matchesGlob(s.name, only)).map((s) => s.name)),
    scenarios: new Set(scenarios.filter((s) => path.matchesGlob(s.name, only)).map((s) => s.name)),
    partial: true,
    reason: `names matching ${only}`,
  };
}

export async function selectChanged(options: {
  projectRoot: string;
  base: string;
  snippets: Snippet[];
  scenarios: ScenarioFile[];
  references: RunbookReference[];
}): Promise<Selection> {
  const files = await changedFiles(options.projectRoot, options.base);
  if (files.some((file) => EVERYTHING.some((pattern) => pattern.test(file)))) {
    const all = await selectAll(options.snippets, options.scenarios);
    return { ...all, reason: `a change to shared ground (${files.find((f) => EVERYTHING.some((p) => p.test(f)))}) affects everything` };
  }
  const changed = new Set(files);
  const snippets = new Set(options.snippets.filter((s) => changed.has(s.relativeFile)).map((s) => s.name));
  const changedRunbooks = new Set(files.filter((f) => /\.mdx?$/.test(f)));
  for (const reference of options.references) if (reference.name && changedRunbooks.has(reference.file)) snippets.add(reference.name);

  // A scenario runs its snippets' current text, so a scenario is selected for the snippets it
  // runs; those snippets' own runs are untouched by it (still keyed by their unchanged sha256),
  // so selecting them too would only spread the selection to every scenario sharing a helper.
  const scenarios = new Set<string>();
  for (const scenario of options.scenarios) {
    const uses = await snippetsUsedBy(scenario.file);
    if (changed.has(scenario.relativeFile) || uses.some((name) => snippets.has(name))) scenarios.add(scenario.name);
  }
  return { snippets, scenarios, partial: true, reason: `${files.length} changed file(s) since ${options.base}` };
}

/** Part `index` (1-based) of `count` of a selection, for spreading a verify run over machines. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Which shard a name falls in: by a hash of the name alone, so the split is the same on every
 * machine and adding or removing a snippet moves no other one between shards.
 */
export function shardOf(name: string, count: number): number {
  return (createHash('sha256').update(name).digest().readUInt32BE(0) % count) + 1;
}

export function selectShard(selection: Selection, shard: Shard): Selection {
  const keep = (names: Set<string>) => new Set([...names].filter((name) => shardOf(name, shard.count) === shard.index));
  return {
    snippets: keep(selection.snippets),
    scenarios: keep(selection.scenarios),
    partial: shard.count > 1 || selection.partial,
    reason: `${selection.reason}, shard ${shard.index}/${shard.count}`,
  };
}
