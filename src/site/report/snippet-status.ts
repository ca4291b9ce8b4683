import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { claimedTargets, type TargetClaim } from '../../config/claims.ts';
import type { Target } from '../../config/targets.ts';
import type { Report, ScenarioEntry, SnippetEntry } from '../../report/schema.ts';
import { parseSnippet, type Snippet } from '../../snippets/snippet.ts';
import { displayPath, type ProjectPaths } from '../project.ts';
import { claimReason, isNotClaimed } from './describe.ts';
import { judgeRuns, type Coverage } from './judge-runs.ts';
import { namedTargets, type NamedTarget } from './named-targets.ts';
import type { ReportState } from './read-report.ts';
import { readTargets } from './read-targets.ts';

/**
 * What the site may say about an embedded snippet. Only `verified` may be published by the
 * strict build; every other status carries a reason that names the file to look at.
 */
export const EMBED_STATUSES = ['verified', 'stale', 'failed', 'unverified', 'missing', 'invalid'] as const;
export type EmbedStatus = (typeof EMBED_STATUSES)[number];

export interface ResolvedSnippet {
  name: string;
  status: EmbedStatus;
  /** One sentence for the badge and for the build error. Empty when verified. */
  reason: string;
  snippet?: Snippet;
  entry?: SnippetEntry;
  report?: Report;
  /** Set when verified: on which targets, and which ones its header leaves out. */
  coverage?: Coverage;
}

/** `area/name`, at least two lower-case segments: also keeps `../` out of file lookups. */
export const SNIPPET_NAME = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)+$/;

const VERIFY_HINT = 'run `runbooks verify`';

export function snippetFiles(paths: ProjectPaths, name: string): string[] {
  return ['.sql', '.sh'].map((extension) => path.join(paths.snippetsDir, ...name.split('/')) + extension).filter((file) => existsSync(file));
}

export function resolveSnippet(name: string, paths: ProjectPaths, reportState: ReportState): ResolvedSnippet {
  if (!SNIPPET_NAME.test(name)) {
    return { name, status: 'missing', reason: `"${name}" is not a snippet name (expected area/name, lower case, as in snippets/area/name.sql)` };
  }
  const files = snippetFiles(paths, name);
  const expected = `${displayPath(paths, path.join(paths.snippetsDir, name))}.sql or .sh`;
  if (files.length === 0) return { name, status: 'missing', reason: `there is no snippet file ${expected}` };
  if (files.length > 1) return { name, status: 'invalid', reason: `both ${expected} exist; a snippet name must point at one file` };

  const snippet = parseSnippet(readFileSync(files[0], 'utf8'), files[0], { projectRoot: paths.root, snippetsRoot: paths.snippetsDir });
  const relativeFile = displayPath(paths, snippet.file);
  if (!snippet.header || snippet.headerProblems.length > 0) {
    const first = snippet.headerProblems[0];
    const where = first ? `${relativeFile}:${first.line}:${first.column}: ${first.message}` : relativeFile;
    return { name, status: 'invalid', reason: `its metadata header is invalid (${where})`, snippet };
  }
  return { name, snippet, ...judge(name, snippet, relativeFile, paths, reportState) };
}

function judge(name: string, snippet: Snippet, relativeFile: string, paths: ProjectPaths, reportState: ReportState): Omit<ResolvedSnippet, 'name' | 'snippet'> {
  const reportFile = displayPath(paths, reportState.file);
  if (reportState.kind === 'absent') return { status: 'unverified', reason: `there is no ${reportFile} (${VERIFY_HINT})` };
  if (reportState.kind === 'invalid') {
    return { status: 'unverified', reason: `${reportFile} does not match its schema: ${reportState.problems[0]}` };
  }
  const report = reportState.report;
  const entry = report.snippets.find((candidate) => candidate.name === name);
  if (!entry) return { status: 'unverified', reason: `${reportFile} has no entry for it (${VERIFY_HINT})`, report };
  // A changed file outranks the old result: whatever the report said was about other text.
  if (entry.sha256 !== snippet.sha256) {
    return { status: 'stale', reason: `${relativeFile} changed after ${reportFile} was written (${VERIFY_HINT})`, entry, report };
  }
  const targets = namedTargets(report, readTargets(paths.targetsFile));
  const claim = snippet.header?.targets;
  const claimedIdSet = claimedIds(claim, targets);
  const claimed = targets.filter((target) => claimedIdSet.has(target.id));
  const verdict = judgeRuns(claimed, entry.targets, {
    failed: 'verification failed',
    skipped: 'verification skipped it',
    skipDetail: (run) => run.checks.find((check) => check.status === 'skipped' && check.message)?.message,
    reportFile,
  });
  if (verdict.status !== 'passed') return { status: verdict.status, reason: verdict.reason, entry, report };
  const others = targets.filter((target) => !claimed.includes(target));
  const notClaimed = claim && others.length > 0 ? { targets: others, reason: claim.reason } : undefined;
  return { status: 'verified', reason: '', entry, report, coverage: { passed: verdict.passed, notClaimed } };
}

/** Ids of the targets a header claim covers: every one, unless it says `only` or `except`. */
function claimedIds(claim: TargetClaim | undefined, targets: NamedTarget[]): Set<string> {
  // claimedTargets reads nothing but ids, and a target the report remembers has no package to give.
  return new Set(claimedTargets(claim, targets as unknown as Target[]).map((target) => target.id));
}

export type ScenarioStatus = 'passed' | 'failed' | 'unverified';

export interface ResolvedScenario {
  name: string;
  status: ScenarioStatus;
  reason: string;
  entry?: ScenarioEntry;
  /** Set when it passed: on which targets, and which ones it leaves out. */
  coverage?: Coverage;
}

/**
 * A scenario's claim lives in its definition, which the site does not run: the report says
 * which targets it left out (runs skipped with a reason). Every other target, including one
 * the report lacks, must have a passing run.
 */
export function resolveScenario(name: string, paths: ProjectPaths, reportState: ReportState): ResolvedScenario {
  if (reportState.kind !== 'ok') return { name, status: 'unverified', reason: 'there is no valid verification report' };
  const report = reportState.report;
  const entry = report.scenarios.find((candidate) => candidate.name === name);
  if (!entry) return { name, status: 'unverified', reason: `the report has no scenario "${name}" (${VERIFY_HINT})` };
  const targets = namedTargets(report, readTargets(paths.targetsFile));
  const others = targets.filter((target) => entry.targets[target.id] && isNotClaimed(entry.targets[target.id]));
  const claimed = targets.filter((target) => !others.includes(target));
  const verdict = judgeRuns(claimed, entry.targets, {
    failed: 'scenario failed',
    skipped: 'the scenario was skipped',
    skipDetail: (run) => run.error?.message,
    reportFile: displayPath(paths, reportState.file),
  });
  if (verdict.status !== 'passed') return { name, status: verdict.status, reason: verdict.reason, entry };
  const notClaimed = others.length > 0 ? { targets: others, reason: claimReason(entry.targets[others[0].id]!) } : undefined;
  return { name, status: 'passed', reason: '', entry, coverage: { passed: verdict.passed, notClaimed } };
}
