import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { formatSnapshot, liveSnapshot, SNAPSHOT_FILE } from '../../src/api/live.ts';
import { AttachedServer } from '../../src/db/attached.ts';

describe('the committed API snapshot', () => {
  it('equals what the installed pg_tviews owns (run `runbooks api-snapshot` after upgrading it)', async () => {
    const server = new AttachedServer(inject('server'));
    try {
      const live = formatSnapshot(await liveSnapshot(server));
      expect(await readFile(SNAPSHOT_FILE, 'utf8')).toBe(live);
    } finally {
      await server.close();
    }
  });
});
