import type { Report, ReportTarget, Status } from '../../report/schema.ts';
import type { Coverage, NotClaimed } from './judge-runs.ts';
import type { NamedTarget } from './named-targets.ts';
import type { EmbedStatus, ResolvedScenario } from './snippet-status.ts';

/** Words the site uses for verification results, kept in one place so badges, the report page and the export agree. */

type Versions = Pick<NamedTarget, 'postgres' | 'pgTviews'>;

/** `2026-11-30`: the date a reader checks at a glance; the report page shows the full time. */
export function reportDate(report: Report): string {
  return report.generatedAt.slice(0, 10);
}

/** `18.6, 17.11 and 16.15` */
export function listed(items: string[], conjunction: 'and' | 'or' = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

/**
 * `PostgreSQL 18.6, 17.11 and 16.15 with pg_tviews 0.1.0-beta.34`; targets on different
 * pg_tviews releases are grouped by release, in the order given (the primary target first).
 */
export function onTargets(targets: Versions[]): string {
  const releases = [...new Set(targets.map((target) => target.pgTviews))];
  const groups = releases.map((release) => {
    const postgres = targets.filter((target) => target.pgTviews === release).map((target) => target.postgres);
    return `PostgreSQL ${listed(postgres)} with pg_tviews ${release}`;
  });
  return groups.length > 2 ? `${groups.slice(0, -1).join('; ')}; and ${groups.at(-1)}` : groups.join(', and ');
}

/** "verified on PostgreSQL 18.6, 17.11 and 16.15 with pg_tviews 0.1.0-beta.34, 2026-11-30": a verified snippet's badge. */
export function verifiedOn(coverage: Coverage, report: Report): string {
  return `verified on ${onTargets(coverage.passed)}, ${reportDate(report)}`;
}

/** "not for PostgreSQL 17 or 16: <the claim's reason>": what a snippet that claims fewer targets says about the others. */
export function notClaimedNote(notClaimed: NotClaimed): string {
  return `not for PostgreSQL ${listed([...new Set(notClaimed.targets.map((target) => target.postgresMajor))], 'or')}: ${notClaimed.reason}`;
}

/** "passed on PostgreSQL 18.6 with pg_tviews 0.1.0-beta.34; not for PostgreSQL 16: <reason>", or "failed: <reason>". */
export function scenarioResult(scenario: ResolvedScenario): string {
  if (scenario.status !== 'passed' || !scenario.coverage) return `${scenario.status}: ${scenario.reason}`;
  const { passed, notClaimed } = scenario.coverage;
  return `passed on ${onTargets(passed)}${notClaimed ? `; ${notClaimedNote(notClaimed)}` : ''}`;
}

/** "pg16 (PostgreSQL 16.15)": a target named in a reason, with the id `runbooks verify --target` takes. */
export function targetName(target: Pick<NamedTarget, 'id' | 'postgres'>): string {
  return `${target.id} (PostgreSQL ${target.postgres})`;
}

/** What the whole library was verified on, for the home page and the export's README. */
export interface LibraryVerification {
  /** "verified on PostgreSQL 18.6, 17.11 and 16.15 with pg_tviews 0.1.0-beta.34, 2026-11-30" */
  verified: string;
  /** Said when some snippet claims fewer targets than the report has. */
  scope?: string;
  /** Said when the report does not cover the whole library on every target. */
  partial?: string;
}

export function libraryVerification(report: Report): LibraryVerification {
  const someClaimFewer = [...report.snippets, ...report.scenarios].some((entry) => Object.values(entry.targets).some(isNotClaimed));
  return {
    verified: `verified on ${onTargets(report.targets)}, ${reportDate(report)}`,
    scope: someClaimFewer ? 'A step meant for only some of these versions says which.' : undefined,
    partial: report.partial
      ? 'The report is partial: some snippets or scenarios of the library have not run on every target yet.'
      : undefined,
  };
}

/** A run skipped because the entry's `targets` claim leaves its target out (the report gives the reason). */
export function isNotClaimed(run: { status: Status; reason?: string }): boolean {
  return run.status === 'skipped' && run.reason !== undefined;
}

/** The claim's own reason, without the `not claimed:` that `runbooks verify` writes before it. */
export function claimReason(run: { reason?: string }): string {
  return (run.reason ?? '').replace(/^not claimed:\s*/, '');
}

/** One cell of the report matrix: a symbol for the eye and words that carry the same meaning. */
export function runLabel(run: { status: Status; reason?: string } | undefined): { symbol: string; text: string } {
  if (!run) return { symbol: '–', text: 'no run' };
  if (run.status === 'passed') return { symbol: '✓', text: 'passed' };
  if (run.status === 'failed') return { symbol: '✗', text: 'failed' };
  return { symbol: '–', text: run.reason ?? 'skipped' };
}

export const STATUS_LABELS: Record<EmbedStatus, string> = {
  verified: 'Verified',
  stale: 'Not verified: changed since the report',
  failed: 'Verification failed',
  unverified: 'Not verified',
  missing: 'Snippet missing',
  invalid: 'Snippet invalid',
};

/** Element id of a snippet's entry on the report page. Names are `area/name`, so `/` becomes `--`. */
export function snippetAnchor(name: string): string {
  return `snippet--${name.replaceAll('/', '--')}`;
}

export function scenarioAnchor(name: string): string {
  return `scenario--${name.replaceAll('/', '--')}`;
}

/** Element id of one target's run inside an entry: `snippet--health--tview-status--pg16`. */
export function runAnchor(entryAnchor: string, targetId: string): string {
  return `${entryAnchor}--${targetId}`;
}

/** "pg18 (primary): PostgreSQL 18.6 with pg_tviews 0.1.0-beta.34, local provider; snippets 5 passed, …; scenarios …; 3.2 s" */
export function targetSummary(target: ReportTarget): string {
  const { snippets, scenarios, durationMs } = target.summary;
  return `${target.id}${target.primary ? ' (primary)' : ''}: ${onTargets([target])}, ${target.provider} provider; snippets ${formatCounts(snippets)}; scenarios ${formatCounts(scenarios)}; ${formatDuration(durationMs)}`;
}

export function formatCounts(counts: { passed: number; failed: number; skipped: number }): string {
  return `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** `2026-11-30 09:30:00 UTC` */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The text with a full stop, unless it already ends a sentence (a claim's reason may or may not). */
export function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
