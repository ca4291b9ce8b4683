import pg from 'pg';
import { findTarget } from '../config/targets.ts';
import { removeCluster, restartCluster, startCluster } from '../db/local/cluster.ts';
import { provisionTarget } from '../db/local/provision.ts';
import type { ServerInfo } from '../db/server-info.ts';
import { databaseUrl, loadFixture, withAdmin } from '../db/template.ts';
import type { ScenarioCluster } from './scenario.ts';

/**
 * What a scenario needs that this verification server cannot give: the scenario is recorded
 * as skipped on it, with this reason, not as failed.
 */
export class CannotRunHere extends Error {}

/**
 * A cluster of a scenario's own, for procedures that act on the server rather than on a
 * database: an extension upgrade installs a new library and restarts. It runs the verification
 * target's PostgreSQL with the pg_tviews release asked for (built and cached like the target's
 * own), holds the fixture in database `pgtv_fixture`, and `remove` deletes it. Only the local
 * provider can make one: the others have no server of ours to restart.
 */
export async function startScenarioCluster(server: ServerInfo, pgTviewsVersion: string): Promise<ScenarioCluster & { remove(): Promise<void> }> {
  if (server.provider !== 'local') throw new CannotRunHere(`needs a server of its own, which only the local provider makes (this run uses ${server.provider})`);
  const target = findTarget(server.target);
  const install = (version: string) => provisionTarget(target, 'install', process.env, version === target.pgTviewsVersion ? undefined : version);
  let dir: string | undefined;
  const remove = async () => {
    if (dir) await removeCluster(dir);
  };
  try {
    const cluster = await startCluster({ server: await install(pgTviewsVersion), scale: 1, ownerPid: process.pid, log: () => undefined, onDirectory: (d) => (dir = d) });
    await withAdmin(cluster.adminUrl, (client) => client.query('CREATE DATABASE pgtv_fixture'));
    const url = databaseUrl(cluster.adminUrl, 'pgtv_fixture');
    await loadFixture(url, 1, server.binDir);
    return {
      databaseUrl: url,
      sql: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => withAdmin(url, async (client) => (await client.query<R>(text, values)).rows),
      restartWith: async (version: string) => restartCluster(cluster, await install(version), () => undefined),
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
