import type { Target } from '../../config/targets.ts';
import type { Report } from '../../report/schema.ts';

/**
 * The targets the site speaks of: every target of the report, named as its server really ran
 * (the primary one first), then every target of targets.env that the report lacks, named as
 * targets.env pins it. Claims are read against this list, so a target the report lacks still
 * counts for a snippet that claims it.
 */

export interface NamedTarget {
  id: string;
  /** Exact PostgreSQL version, `18.6`. */
  postgres: string;
  /** `18`: what a claim such as "not for PostgreSQL 16" is about. */
  postgresMajor: string;
  pgTviews: string;
  /** Listed in targets.env, so `runbooks verify --target <id>` can verify on it. */
  configured: boolean;
}

export function namedTargets(report: Report | undefined, configured: Target[]): NamedTarget[] {
  const configuredIds = new Set(configured.map((target) => target.id));
  const reported = (report?.targets ?? []).map((target) => ({
    id: target.id,
    postgres: target.postgres,
    postgresMajor: target.postgres.split('.')[0],
    pgTviews: target.pgTviews,
    configured: configuredIds.has(target.id),
  }));
  const unreported = configured
    .filter((target) => !reported.some((named) => named.id === target.id))
    .map((target) => ({ id: target.id, postgres: target.postgresVersion, postgresMajor: String(target.postgresMajor), pgTviews: target.pgTviewsVersion, configured: true }));
  return [...reported, ...unreported];
}
