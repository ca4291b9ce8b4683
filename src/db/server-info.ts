import type { ProviderName } from './provider.ts';

/** What a running verification server is, as the owner process reports it. */
export interface ServerInfo {
  provider: ProviderName;
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
