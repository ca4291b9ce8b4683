import type { ProviderName } from './provider.ts';
import { AttachedServer, type VerificationServer } from './attached.ts';
import { DatabaseServer } from './server.ts';
import { runningServer } from './state.ts';

/**
 * The database running under `runbooks db up` when it matches what is asked (so repeated
 * verification is fast), otherwise a throwaway server that goes away with `close()` or
 * with this process.
 */
export async function acquireServer(options: { provider?: ProviderName; scale?: number; onLog?: (line: string) => void }): Promise<VerificationServer> {
  const running = await runningServer();
  const provider = options.provider ?? 'local';
  const scale = options.scale ?? 1;
  if (running && running.provider === provider && running.scale === scale) return new AttachedServer(running);
  return DatabaseServer.start({ provider, scale, onLog: options.onLog });
}
