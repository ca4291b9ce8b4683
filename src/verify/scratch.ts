import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { abandoned, markOwner } from '../db/local/owned-dirs.ts';

/**
 * The one directory a verify run writes files in: bash snippets' sandboxes and the files
 * scenarios make (t.tempDir). Removed when the run ends; a run that was killed outright (SIGKILL,
 * a closed pipe) cannot remove it, so each run first removes those whose owner is gone
 * (owned-dirs.ts, as throwaway clusters are reaped).
 */

const PREFIX = 'pgtv-verify-';

export interface RunScratch {
  dir: string;
  /** A fresh directory inside it, named after `label`. */
  tempDir(label: string): Promise<string>;
  remove(): Promise<void>;
}

export async function openRunScratch(parent = os.tmpdir()): Promise<RunScratch> {
  await reapAbandonedScratch(parent);
  const dir = await mkdtemp(path.join(parent, PREFIX));
  await markOwner(dir, process.pid);
  return {
    dir,
    tempDir: (label) => mkdtemp(path.join(dir, `${label.replace(/[^\w-]/g, '-')}-`)),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Removes the scratch directories of runs whose process is gone; returns how many. */
export async function reapAbandonedScratch(parent = os.tmpdir()): Promise<number> {
  let reaped = 0;
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(parent, name);
    if (!(await abandoned(dir)).abandoned) continue;
    await rm(dir, { recursive: true, force: true });
    reaped++;
  }
  return reaped;
}
