import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { formatSnapshot, liveSnapshot, snapshotFile } from '../../src/api/live.ts';
import { loadTargets } from '../../src/config/targets.ts';
import { AttachedServer } from '../../src/db/attached.ts';
import { serverOf } from './helpers.ts';

describe.each(loadTargets().all.map((t) => t.id))('the committed API snapshot of %s', (target) => {
  it('equals what that target\'s pg_tviews owns (run `runbooks api-snapshot --target <id>` after a bump)', async () => {
    const server = new AttachedServer(serverOf(target));
    try {
      const live = formatSnapshot(await liveSnapshot(server));
      expect(await readFile(snapshotFile(target), 'utf8')).toBe(live);
    } finally {
      await server.close();
    }
  });
});
