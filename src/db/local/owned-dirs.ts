import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Directories that say which process they belong to (`owner.pid`, written as soon as the
 * directory exists), so that what a killed process left behind — a throwaway cluster, a verify
 * run's scratch directory — can be told from what a live one is using, and removed.
 */

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function markOwner(dir: string, pid: number): Promise<void> {
  await writeFile(path.join(dir, 'owner.pid'), `${pid}\n`);
}

/**
 * Whether nobody owns `dir` any more: its owner is not running, or it has no owner a minute
 * after it was made (a directory without one may be being made this very moment). `owner` is
 * the recorded pid, 0 when there is none.
 */
export async function abandoned(dir: string): Promise<{ abandoned: boolean; owner: number }> {
  const owner = Number((await readFile(path.join(dir, 'owner.pid'), 'utf8').catch(() => '')).trim());
  if (Number.isInteger(owner) && owner > 0) return { abandoned: !isAlive(owner), owner };
  const madeMs = (await stat(dir).catch(() => undefined))?.mtimeMs ?? 0;
  return { abandoned: Date.now() - madeMs >= 60_000, owner: 0 };
}
