import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Report, ScenarioEntry, SnippetEntry } from '../../report/schema.ts';
import { parseSnippet, type Snippet } from '../../snippets/snippet.ts';
import { displayPath, type ProjectPaths } from '../project.ts';
import type { ReportState } from './read-report.ts';

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
  return { name, snippet, ...judge(name, snippet, relativeFile, reportState) };
}

function judge(name: string, snippet: Snippet, relativeFile: string, reportState: ReportState): Omit<ResolvedSnippet, 'name' | 'snippet'> {
  const reportFile = path.basename(path.dirname(reportState.file)) + '/' + path.basename(reportState.file);
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
  if (entry.status === 'failed') {
    const error = entry.error ? `: ${entry.error.message}` : '';
    return { status: 'failed', reason: `verification failed${error}`, entry, report };
  }
  if (entry.status === 'skipped') {
    const skipped = entry.checks.find((check) => check.status === 'skipped' && check.message);
    return { status: 'unverified', reason: `verification skipped it${skipped ? `: ${skipped.message}` : ''}`, entry, report };
  }
  return { status: 'verified', reason: '', entry, report };
}

export type ScenarioStatus = 'passed' | 'failed' | 'unverified';

export interface ResolvedScenario {
  name: string;
  status: ScenarioStatus;
  reason: string;
  entry?: ScenarioEntry;
}

export function resolveScenario(name: string, reportState: ReportState): ResolvedScenario {
  if (reportState.kind !== 'ok') return { name, status: 'unverified', reason: 'there is no valid verification report' };
  const entry = reportState.report.scenarios.find((candidate) => candidate.name === name);
  if (!entry) return { name, status: 'unverified', reason: `the report has no scenario "${name}" (${VERIFY_HINT})` };
  if (entry.status === 'passed') return { name, status: 'passed', reason: '', entry };
  if (entry.status === 'failed') return { name, status: 'failed', reason: `scenario failed${entry.error ? `: ${entry.error.message}` : ''}`, entry };
  return { name, status: 'unverified', reason: 'the scenario was skipped', entry };
}
