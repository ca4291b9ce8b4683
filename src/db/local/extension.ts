import { spawn } from 'node:child_process';
import path from 'node:path';
import { EnvironmentError } from '../../cli/command.ts';
import { projectRoot } from '../../config/paths.ts';

/**
 * Builds pg_tviews (once per machine, cached) and installs it into the local server, through
 * scripts/build-extension.sh — the same script the Docker image runs. The build's own output
 * goes to stderr, since a cold build takes minutes and silence would look like a hang.
 */
export async function installExtension(): Promise<void> {
  const script = path.join(projectRoot, 'scripts', 'build-extension.sh');
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('bash', [script, 'install'], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (status) => resolve(status ?? 1));
  });
  if (code !== 0) throw new EnvironmentError(`building or installing pg_tviews failed (scripts/build-extension.sh install exited ${code}); its output is above`);
}
