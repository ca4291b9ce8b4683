import type { Report } from '../../report/schema.ts';
import type { EmbedStatus } from './snippet-status.ts';

/** Words the site uses for verification results, kept in one place so badges, the report page and the export agree. */

/** `2026-11-25`: the date a reader checks at a glance; the report page shows the full time. */
export function reportDate(report: Report): string {
  return report.generatedAt.slice(0, 10);
}

/** The verifier may record `15.8` or `PostgreSQL 15.8 (Debian …)`; show it once, without doubling the name. */
export function postgresVersion(report: Report): string {
  const version = report.environment.postgres.trim();
  return /^postgres(ql)?\b/i.test(version) ? version.replace(/^postgres(ql)?\s*/i, '') : version;
}

/** "verified with PostgreSQL 15.8 and pg_tviews 0.1.0-beta.20, 2026-11-25" */
export function verifiedWith(report: Report): string {
  return `verified with PostgreSQL ${postgresVersion(report)} and pg_tviews ${report.environment.pgTviews}, ${reportDate(report)}`;
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

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
