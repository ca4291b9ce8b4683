import type { Target } from '../config/targets.ts';

/**
 * A provider brings up a PostgreSQL server on which pg_tviews can be created and gives the
 * rest of the tool one thing: an admin URL plus a prefix its databases must carry. The
 * template, the fixture and every scratch database are made the same way on all of them.
 */

export const PROVIDER_NAMES = ['local', 'docker', 'url'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface StartedServer {
  adminUrl: string;
  /** Where the client programs matching the server are (psql, pg_dump…). */
  binDir: string;
  /** Every database this run creates starts with it; cleanup drops exactly those. */
  databasePrefix: string;
  /** Provider-specific facts for `db status` (cluster directory, container name…). */
  details: Record<string, string>;
}

export interface Provider {
  name: ProviderName;
  start(log: (line: string) => void): Promise<StartedServer>;
  /** Removes everything start created; safe after a failed or interrupted start, and twice. */
  stop(log: (line: string) => void): Promise<void>;
}

export interface ProviderOptions {
  /** For `url`: the server to use; for `docker`: ignored. */
  databaseUrl?: string;
  /** What to run: the local and docker providers build it; the url provider reports the server's own versions instead. */
  target: Target;
  /** Fixture scale, so a provider can size what it creates. */
  scale: number;
}
