import pg from 'pg';
import type { TargetClaim } from '../config/claims.ts';
import type { ResultSet } from '../report/schema.ts';

/**
 * Level 3: a scenario proves a runbook. It starts from a fresh clone of the fixture,
 * injects the fault the runbook exists for, runs the runbook's snippets in order, and
 * asserts (with node:assert) that the diagnosis shows the fault and that the remedy
 * restores the invariant. Scenario files live in scenarios/<category>/<name>.scenario.ts
 * and export `defineScenario({...})` as default.
 */

export interface SnippetResult {
  results: ResultSet[];
  /** Rows of the last result set as objects keyed by column name. */
  rows: Record<string, string | null>[];
  /** What a reader would see: rendered results and notices, or a script's output. */
  output: string;
  error?: string;
  exitCode?: number | null;
  /** bash only: calls of stubbed commands (mail, crontab…) the script made. */
  stubCalls?: { command: string; args: string[]; stdin: string }[];
}

export interface Session {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /** The backend process id, e.g. to find this session in pg_stat_activity. */
  pid: number;
  end(): Promise<void>;
}

/** A server of the scenario's own (see ScenarioContext.cluster). */
export interface ScenarioCluster {
  /** Its database holding the fixture. */
  databaseUrl: string;
  /** One statement on a new connection to it; returns the rows. */
  sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /** Stops it cleanly and starts it again on the same data with another pg_tviews release installed. */
  restartWith(pgTviewsVersion: string): Promise<void>;
  /** A hot standby streaming from it (pg_basebackup), for what pg_tviews does on a replica; removed with it. */
  standby(): Promise<ScenarioStandby>;
}

/** A hot standby of a scenario's cluster (see ScenarioCluster.standby). */
export interface ScenarioStandby {
  /** Its copy of the fixture database, read-only. */
  databaseUrl: string;
  /** One statement on a new connection to it; returns the rows. */
  sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /** Resolves once it has replayed everything the primary had written when called (30 s at most). */
  caughtUp(): Promise<void>;
}

export interface ScenarioContext {
  /** URL of this scenario's own clone of the fixture. */
  databaseUrl: string;
  /**
   * The target it runs on (`pg18`…), the server's versions, for the few facts that differ
   * between them, and where the server's client programs are (psql, pgbench…).
   */
  target: { id: string; postgresVersion: string; pgTviewsVersion: string; binDir: string };
  /** One statement on the scenario's main connection; returns the rows. */
  sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /** Another connection, e.g. to hold a lock or stay idle in a transaction; closed at the end. */
  session(label?: string): Promise<Session>;
  /**
   * Runs a snippet as the runbook says to (psql -f, or bash), outside any wrapper, with its
   * header's parameter values overridden by `params`. Throws on error unless allowError.
   */
  snippet(name: string, params?: Record<string, string>, options?: { allowError?: boolean; databaseUrl?: string }): Promise<SnippetResult>;
  /**
   * A cluster of the scenario's own with another pg_tviews release (e.g. the target's
   * `upgradeFrom`), for procedures that restart the server; removed with the scenario. Only the
   * local provider makes one: with another, the scenario is recorded as skipped, saying why.
   */
  cluster(options: { pgTviewsVersion: string }): Promise<ScenarioCluster>;
  /**
   * A new directory for files the scenario writes (a dump, a script for pgbench): inside the
   * verify run's own scratch directory, removed with it even if the run is killed.
   */
  tempDir(label?: string): Promise<string>;
  /** A named step in the report; a thrown assertion fails the step and the scenario. */
  step<T>(description: string, work: () => Promise<T>): Promise<T>;
}

export interface ScenarioDefinition {
  title: string;
  /** The runbook this proves: its path under content/ without extension. */
  runbook: string;
  /** A duration such as 30s or 2min; default 60s. */
  timeout?: string;
  /** Only for a scenario that does not apply to every target: which ones it does, and why. */
  targets?: TargetClaim;
  run(context: ScenarioContext): Promise<void>;
}

export function defineScenario(definition: ScenarioDefinition): ScenarioDefinition {
  return definition;
}

export function rowsAsObjects(result: ResultSet | undefined): Record<string, string | null>[] {
  if (!result) return [];
  return result.rows.map((row) => Object.fromEntries(result.columns.map((column, i) => [column, row[i]])));
}
