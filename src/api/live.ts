import path from 'node:path';
import pg from 'pg';
import { projectRoot } from '../config/paths.ts';
import { loadTargets, type Target } from '../config/targets.ts';
import type { VerificationServer } from '../db/attached.ts';
import { type ApiSnapshot, readApiSnapshot } from './snapshot.ts';

/** One committed snapshot per target: what that target's pg_tviews owns. */
export const SNAPSHOT_DIR = path.join(projectRoot, 'src', 'api', 'snapshots');

export function snapshotFile(target: string): string {
  return path.join(SNAPSHOT_DIR, `${target}.json`);
}

export interface TargetSnapshotFile {
  target: string;
  file: string;
}

/** The snapshot file of every target, the primary one first. */
export function projectSnapshots(targets: Target[] = loadTargets().all): TargetSnapshotFile[] {
  return targets.map((t) => ({ target: t.id, file: snapshotFile(t.id) }));
}

/** The snapshot of the live extension, read from a scratch copy of the fixture. */
export async function liveSnapshot(server: VerificationServer): Promise<ApiSnapshot> {
  const database = await server.createScratch('api_snapshot');
  const client = new pg.Client({ connectionString: server.url(database) });
  try {
    await client.connect();
    return await readApiSnapshot(client);
  } finally {
    await client.end().catch(() => undefined);
    await server.dropScratch(database);
  }
}

export function formatSnapshot(snapshot: ApiSnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}
