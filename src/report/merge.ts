import { overallStatus, type Report, type ReportTarget, type ScenarioEntry, type SnippetEntry } from './schema.ts';

/**
 * Several reports as one: the shards and targets of a CI matrix, or a partial run over the
 * previous full report. Later reports win, per entry and per target; an entry's status is
 * computed again over all its runs. `library` (every snippet and scenario name there is)
 * drops entries of deleted files and decides whether the result is still partial.
 */

export interface Library {
  snippets: string[];
  scenarios: string[];
}

function mergeEntries<E extends SnippetEntry | ScenarioEntry>(lists: E[][], keep: Set<string> | undefined): E[] {
  const byName = new Map<string, E>();
  for (const list of lists) {
    for (const entry of list) {
      if (keep && !keep.has(entry.name)) continue;
      const previous = byName.get(entry.name);
      // A newer entry for a changed file replaces the old runs whole: they verified other text.
      const sameFile = previous && (!('sha256' in entry) || (previous as SnippetEntry).sha256 === (entry as SnippetEntry).sha256);
      const targets = { ...(sameFile ? previous.targets : {}), ...entry.targets };
      byName.set(entry.name, { ...entry, targets, status: overallStatus(Object.values(targets)) });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function count(statuses: { status: string }[]) {
  return {
    passed: statuses.filter((e) => e.status === 'passed').length,
    failed: statuses.filter((e) => e.status === 'failed').length,
    skipped: statuses.filter((e) => e.status === 'skipped').length,
  };
}

/** Per-target counts, from the runs the entries hold for it; the time is the wall time of the target's latest run. */
function targetSummary(target: ReportTarget, snippets: SnippetEntry[], scenarios: ScenarioEntry[]): ReportTarget['summary'] {
  const runsOf = (entries: (SnippetEntry | ScenarioEntry)[]) => entries.flatMap((e) => (e.targets[target.id] ? [e.targets[target.id]] : []));
  return { snippets: count(runsOf(snippets)), scenarios: count(runsOf(scenarios)), durationMs: target.summary.durationMs };
}

export function mergeReports(reports: Report[], library?: Library): Report {
  if (reports.length === 0) throw new Error('nothing to merge');
  const latest = reports.reduce((a, b) => (a.generatedAt >= b.generatedAt ? a : b));
  const snippets = mergeEntries(reports.map((r) => r.snippets), library && new Set(library.snippets));
  const scenarios = mergeEntries(reports.map((r) => r.scenarios), library && new Set(library.scenarios));

  const byId = new Map<string, ReportTarget>();
  for (const report of reports) for (const target of report.targets) byId.set(target.id, target);
  const primary = [...byId.values()].find((t) => t.primary);
  const targets = [...byId.values()]
    .sort((a, b) => (a === primary ? -1 : b === primary ? 1 : 0))
    .map((target) => ({ ...target, summary: targetSummary(target, snippets, scenarios) }));

  const complete = (names: string[], entries: (SnippetEntry | ScenarioEntry)[]) => {
    const found = new Map(entries.map((e) => [e.name, e]));
    return names.every((name) => targets.every((t) => found.get(name)?.targets[t.id]));
  };
  const partial = library ? !(complete(library.snippets, snippets) && complete(library.scenarios, scenarios)) : reports.some((r) => r.partial);

  // Problems are the newest run's: they describe the files as they are now.
  const problems = latest.problems;
  return {
    schemaVersion: latest.schemaVersion,
    generatedAt: latest.generatedAt,
    environment: latest.environment,
    targets,
    partial,
    summary: {
      snippets: count(snippets),
      scenarios: count(scenarios),
      durationMs: Math.max(...reports.map((r) => r.summary.durationMs)),
    },
    snippets,
    scenarios,
    problems,
  };
}
