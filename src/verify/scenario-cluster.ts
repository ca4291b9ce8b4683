import pg from 'pg';
import { findTarget } from '../config/targets.ts';
import { removeCluster, restartCluster, startCluster, startStandby } from '../db/local/cluster.ts';
import { provisionTarget } from '../db/local/provision.ts';
import type { ServerInfo } from '../db/server-info.ts';
import { databaseUrl, loadFixture, withAdmin } from '../db/template.ts';
import type { ScenarioCluster, ScenarioStandby } from './scenario.ts';

/**
 * What a scenario needs that this verification server cannot give: the scenario is recorded
 * as skipped on it, with this reason, not as failed.
 */
export class CannotRunHere extends Error {}

/**
 * A cluster of a scenario's own, for procedures that act on the server rather than on a
 * database: an extension upgrade installs a new library and restarts. It runs the verification
 * target's PostgreSQL with the pg_tviews release asked for (built and cached like the target's
 * own), holds the fixture in database `pgtv_fixture`, and `remove` deletes it with its
 * standbys. Only the local provider can make one: the others have no server of ours to restart.
 */
export async function startScenarioCluster(server: ServerInfo, pgTviewsVersion: string): Promise<ScenarioCluster & { remove(): Promise<void> }> {
  if (server.provider !== 'local') throw new CannotRunHere(`needs a server of its own, which only the local provider makes (this run uses ${server.provider})`);
  const target = findTarget(server.target);
  const install = (version: string) => provisionTarget(target, 'install', process.env, version === target.pgTviewsVersion ? undefined : version);
  const dirs: string[] = [];
  const remove = async () => {
    // Standbys first, so none is left asking a stopped primary for WAL.
    for (const dir of [...dirs].reverse()) await removeCluster(dir);
  };
  try {
    // The build running now: a standby runs the same one.
    let running = await install(pgTviewsVersion);
    const cluster = await startCluster({ server: running, scale: 1, ownerPid: process.pid, log: () => undefined, onDirectory: (d) => dirs.push(d) });
    await withAdmin(cluster.adminUrl, (client) => client.query('CREATE DATABASE pgtv_fixture'));
    const url = databaseUrl(cluster.adminUrl, 'pgtv_fixture');
    await loadFixture(url, 1, server.binDir);
    return {
      databaseUrl: url,
      sql: sqlOn(url),
      restartWith: async (version: string) => {
        running = await install(version);
        await restartCluster(cluster, running, () => undefined);
      },
      standby: async () => {
        const standby = await startStandby({ primary: cluster, server: running, ownerPid: process.pid, log: () => undefined, onDirectory: (d) => dirs.push(d) });
        return standbyOf(url, databaseUrl(standby.adminUrl, 'pgtv_fixture'));
      },
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** One statement on a new connection to `url`; returns the rows. */
function sqlOn(url: string) {
  return async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => withAdmin(url, async (client) => (await client.query<R>(text, values)).rows);
}

function standbyOf(primaryUrl: string, url: string): ScenarioStandby {
  const sql = sqlOn(url);
  return {
    databaseUrl: url,
    sql,
    caughtUp: async () => {
      // The clusters commit asynchronously, and a standby only receives WAL the primary has
      // flushed: a commit of our own with synchronous_commit on flushes everything written
      // before it, up to where WAL ended when it began (its position then is what to wait for).
      const lsn = await withAdmin(primaryUrl, async (client) => {
        await client.query('BEGIN; SET LOCAL synchronous_commit = on; SELECT pg_current_xact_id()');
        const { rows } = await client.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
        await client.query('COMMIT');
        return rows[0].lsn;
      });
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
        const [{ replayed }] = await sql<{ replayed: boolean }>('SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS replayed', [lsn]);
        if (replayed) return;
      }
      throw new Error(`the standby did not replay the primary's WAL up to ${lsn} within 30 s`);
    },
  };
}
