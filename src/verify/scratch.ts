import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from '../db/local/cluster.ts';

/**
 * The one directory a verify run writes files in: bash snippets' sandboxes and the files
 * scenarios make (t.tempDir). Removed when the run ends; a run that was killed outright (SIGKILL,
 * a closed pipe) cannot remove it, so each run first removes those whose owner is gone, as
 * throwaway clusters are reaped.
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
  await writeFile(path.join(dir, 'owner.pid'), `${process.pid}\n`);
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
    const owner = Number((await readFile(path.join(dir, 'owner.pid'), 'utf8').catch(() => '')).trim());
    // No owner yet: a run creating it this very moment.
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    await rm(dir, { recursive: true, force: true });
    reaped++;
  }
  return reaped;
}
