import type { ProviderName } from './provider.ts';

/** What a running verification server is, as the owner process reports it. */
export interface ServerInfo {
  provider: ProviderName;
  /** The target it runs: a target id of targets.env (for the url provider, the one of the server's PostgreSQL major, else `pg<major>`). */
  target: string;
  /** The client programs matching the server (psql, pg_dump…). */
  binDir: string;
  ownerPid: number;
  adminUrl: string;
  databasePrefix: string;
  templateDatabase: string;
  fixtureDatabase: string;
  fixtureUrl: string;
  scale: number;
  postgresVersion: string;
  pgTviewsVersion: string;
  startedAt: string;
  details: Record<string, string>;
}
