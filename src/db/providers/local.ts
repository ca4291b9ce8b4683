import { ensurePackages } from '../local/debian.ts';
import { installExtension } from '../local/extension.ts';
import { reapStaleClusters, removeCluster, startCluster } from '../local/cluster.ts';
import type { Provider, ProviderOptions, StartedServer } from '../provider.ts';

/** Debian's PostgreSQL with pg_tviews built from its crate, in a throwaway cluster. */
export function localProvider(options: ProviderOptions): Provider {
  let clusterDir: string | undefined;
  return {
    name: 'local',
    async start(log): Promise<StartedServer> {
      await ensurePackages(options.postgresMajor, log);
      await installExtension();
      await reapStaleClusters(log);
      const cluster = await startCluster({ postgresMajor: options.postgresMajor, scale: options.scale, ownerPid: process.pid, log, onDirectory: (dir) => (clusterDir = dir) });
      return {
        adminUrl: cluster.adminUrl,
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
