import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { stateDir } from '../config/paths.ts';
import { isAlive, waitUntilGone } from './local/cluster.ts';
import type { ServerInfo } from './server-info.ts';

/**
 * The database `runbooks db up` started, recorded by its owner process so that `db status`,
 * `db url`, `db psql` and `db down` in other shells can find it.
 */

export function stateFile(): string {
  return path.join(stateDir(), 'db.json');
}

/** The running database, or undefined; a record whose owner is gone is removed. */
export async function runningServer(): Promise<ServerInfo | undefined> {
  let info: ServerInfo;
  try {
    info = JSON.parse(await readFile(stateFile(), 'utf8')) as ServerInfo;
  } catch {
    return undefined;
  }
  if (isAlive(info.ownerPid)) return info;
  await rm(stateFile(), { force: true });
  return undefined;
}

/** Asks the owner to stop and waits until it has removed everything. */
export async function stopServer(info: ServerInfo, timeoutMs = 60_000): Promise<boolean> {
  try {
    process.kill(info.ownerPid, 'SIGTERM');
  } catch {
    return true;
  }
  return waitUntilGone(info.ownerPid, timeoutMs);
}
