import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRunScratch, reapAbandonedScratch } from '../../src/verify/scratch.ts';

/**
 * A verify run's scratch directory: made with its owner's pid, removed at the end, and removed
 * by a later run when its owner was killed before it could remove it itself.
 */

let parent: string;
afterEach(() => rmSync(parent, { recursive: true, force: true }));

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

function leftBehind(owner: number | undefined): string {
  const dir = mkdtempSync(path.join(parent, 'pgtv-verify-'));
  if (owner !== undefined) writeFileSync(path.join(dir, 'owner.pid'), `${owner}\n`);
  mkdirSync(path.join(dir, 'sandbox-x'));
  return dir;
}

describe('the run scratch directory', () => {
  it('is made with its owner, holds temp directories, and is gone after remove()', async () => {
    parent = mkdtempSync(path.join(os.tmpdir(), 'pgtv-scratch-test-'));
    const scratch = await openRunScratch(parent);
    expect(readFileSync(path.join(scratch.dir, 'owner.pid'), 'utf8').trim()).toBe(String(process.pid));
    const made = await scratch.tempDir('upgrade/backups');
    expect(path.dirname(made)).toBe(scratch.dir);
    expect(path.basename(made)).toMatch(/^upgrade-backups-/);
    await scratch.remove();
    expect(existsSync(scratch.dir)).toBe(false);
  });

  it('removes what a killed run left, and keeps what a live run or one being made holds', async () => {
    parent = mkdtempSync(path.join(os.tmpdir(), 'pgtv-scratch-test-'));
    const killed = leftBehind(deadPid());
    const live = leftBehind(process.pid);
    const starting = leftBehind(undefined);
    expect(await reapAbandonedScratch(parent)).toBe(1);
    expect(existsSync(killed)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(starting)).toBe(true);
  });
});
