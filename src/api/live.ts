import path from 'node:path';
import pg from 'pg';
import { projectRoot } from '../config/paths.ts';
import type { VerificationServer } from '../db/attached.ts';
import { type ApiSnapshot, readApiSnapshot } from './snapshot.ts';

export const SNAPSHOT_FILE = path.join(projectRoot, 'src', 'api', 'pg_tviews.json');

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
