import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where things live. Caches and run state are kept outside the clone. */

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const snippetsRoot = path.join(projectRoot, 'snippets');
export const contentRoot = path.join(projectRoot, 'content');
export const fixturesRoot = path.join(projectRoot, 'fixtures');

export function cacheDir(): string {
  return process.env.PGTV_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'pgtv-runbooks');
}

/** Where `runbooks db up` records the running database so other commands can find it. */
export function stateDir(): string {
  return process.env.PGTV_STATE_DIR ?? path.join(process.env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state'), 'pgtv-runbooks');
}

/**
 * Where throwaway clusters may be created, best first. Shared memory (/dev/shm) makes
 * copying and writing a cluster many times faster than a disk-backed /tmp; it is used when
 * it has room (see chooseClusterParent).
 */
export function clusterParentCandidates(): string[] {
  if (process.env.PGTV_CLUSTER_PARENT) return [process.env.PGTV_CLUSTER_PARENT];
  return ['/dev/shm', os.tmpdir()];
}
