import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { stateDir } from '../config/paths.ts';
import { isAlive, waitUntilGone } from './local/cluster.ts';
import type { ServerInfo } from './server-info.ts';

/**
 * The databases `runbooks db up` started, one per target, recorded by their owner processes
 * so that `db status`, `db url`, `db psql`, `db down` and `verify` in other shells find them.
 */

export function stateFile(target: string): string {
  return path.join(stateDir(), `db-${target}.json`);
}

async function readState(file: string): Promise<ServerInfo | undefined> {
  let info: ServerInfo;
  try {
    info = JSON.parse(await readFile(file, 'utf8')) as ServerInfo;
  } catch {
    return undefined;
  }
  if (isAlive(info.ownerPid)) return info;
  await rm(file, { force: true });
  return undefined;
}

/** The running database of that target, or undefined; a record whose owner is gone is removed. */
export async function runningServer(target: string): Promise<ServerInfo | undefined> {
  return readState(stateFile(target));
}

/** Every running database, in target order of their file names. */
export async function runningServers(): Promise<ServerInfo[]> {
  const files = (await readdir(stateDir()).catch(() => [] as string[])).filter((f) => /^db-[a-z0-9]+\.json$/.test(f)).sort();
  const found = await Promise.all(files.map((f) => readState(path.join(stateDir(), f))));
  return found.filter((info): info is ServerInfo => info !== undefined);
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
