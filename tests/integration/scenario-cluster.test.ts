import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clusterDirectories } from '../../src/db/local/cluster.ts';
import { CannotRunHere, startScenarioCluster } from '../../src/verify/scenario-cluster.ts';
import { serverOf } from './helpers.ts';

/**
 * A scenario's server of its own, and a hot standby streaming from it: the standby replays what
 * the primary writes (through the package's own libpq, which its walreceiver must load), refuses
 * writes, and `remove` leaves no directory and no server behind. Other providers cannot make one.
 */
describe('a scenario cluster with a standby', () => {
  it('streams to the standby, and remove() leaves nothing behind', { timeout: 120_000 }, async () => {
    const server = serverOf();
    const before = new Set(await clusterDirectories());
    const cluster = await startScenarioCluster(server, server.pgTviewsVersion);
    let ours: string[] = [];
    try {
      const standby = await cluster.standby();
      ours = (await clusterDirectories()).filter((dir) => !before.has(dir));
      expect(ours).toHaveLength(2);

      await cluster.sql(`UPDATE tb_post SET title = 'streamed' WHERE pk_post = 5`);
      await standby.caughtUp();
      expect(await standby.sql(`SELECT data->>'title' AS title FROM tv_post WHERE pk_post = 5`)).toEqual([{ title: 'streamed' }]);
      expect(await standby.sql(`SELECT pg_is_in_recovery() AS recovery`)).toEqual([{ recovery: true }]);
      expect(await cluster.sql(`SELECT count(*)::int AS senders FROM pg_stat_replication WHERE state = 'streaming'`)).toEqual([{ senders: 1 }]);
      await expect(standby.sql(`UPDATE tb_post SET title = 'x' WHERE pk_post = 5`)).rejects.toMatchObject({ code: '25006' });
    } finally {
      await cluster.remove();
    }
    for (const dir of ours) expect(existsSync(dir), dir).toBe(false);
  });

  it('is refused, as something the scenario cannot run here, on a server that is not ours', async () => {
    const server = { ...serverOf(), provider: 'url' as const };
    await expect(startScenarioCluster(server, server.pgTviewsVersion)).rejects.toBeInstanceOf(CannotRunHere);
  });
});
