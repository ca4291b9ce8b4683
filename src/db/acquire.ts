import type { ProviderName } from './provider.ts';
import { AttachedServer, type VerificationServer } from './attached.ts';
import { DatabaseServer } from './server.ts';
import { isAlive } from './local/cluster.ts';
import { runningServer } from './state.ts';

/**
 * The database running under `runbooks db up` for that target when it matches what is asked
 * (so repeated verification is fast), otherwise a throwaway server that goes away with
 * `close()` or with this process.
 */
export async function acquireServer(options: { target: string; provider?: ProviderName; scale?: number; onLog?: (line: string) => void }): Promise<VerificationServer> {
  const running = await runningServer(options.target);
  const provider = options.provider ?? 'local';
  const scale = options.scale ?? 1;
  if (running && running.provider === provider && running.scale === scale) {
    const borrowed = new AttachedServer(running);
    for (const name of await borrowed.reapAbandoned(isAlive)) options.onLog?.(`dropped ${name}, left by a run that was killed`);
    return borrowed;
  }
  return DatabaseServer.start({ provider, target: options.target, scale, onLog: options.onLog });
}
