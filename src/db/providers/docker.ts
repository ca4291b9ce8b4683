import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../config/paths.ts';
import type { Target } from '../../config/targets.ts';
import { TARGETS_FILE } from '../../config/targets.ts';
import { EnvironmentError } from '../../errors/index.ts';
import type { Provider, ProviderOptions, StartedServer } from '../provider.ts';
import { urlProvider } from './url.ts';

const run = promisify(execFile);

export const COMPOSE_FILE = path.join(projectRoot, 'docker', 'compose.yaml');

/** Each target's service publishes PostgreSQL on 543<major> (docker/compose.yaml). */
export function dockerPort(target: Target): number {
  return 54300 + target.postgresMajor;
}

/** The compose command line, with targets.env as the source of the build's versions. */
export function composeArgs(...rest: string[]): string[] {
  return ['compose', '--env-file', TARGETS_FILE, '-f', COMPOSE_FILE, '--project-name', 'pgtv-runbooks', ...rest];
}

/**
 * The target's PostgreSQL major from the official image with pg_tviews built in, from
 * docker/Dockerfile (service `<target id>` of docker/compose.yaml); once it is up it is used
 * exactly like the url provider, and `docker compose down -v` removes it.
 */
export function dockerProvider(options: ProviderOptions): Provider {
  const service = options.target.id;
  const databaseUrl = `postgresql://postgres:postgres@127.0.0.1:${dockerPort(options.target)}/postgres`;
  const server = urlProvider({ ...options, databaseUrl }, 'docker');
  let composeUp = false;
  return {
    name: 'docker',
    async start(log): Promise<StartedServer> {
      try {
        await run('docker', ['info'], { timeout: 15_000 });
      } catch {
        throw new EnvironmentError('the docker provider needs a running Docker engine (docker info failed); use the local provider on Debian instead');
      }
      log(`building and starting the pg_tviews container for ${service} (docker compose up --build --wait ${service})`);
      composeUp = true;
      await run('docker', composeArgs('up', '--detach', '--build', '--wait', service), { maxBuffer: 64 * 1024 * 1024 });
      const started = await server.start(log);
      return { ...started, details: { ...started.details, composeFile: COMPOSE_FILE, service } };
    },
    async stop(log) {
      await server.stop(log).catch(() => undefined);
      if (composeUp) await run('docker', composeArgs('rm', '--stop', '--force', '--volumes', service), { maxBuffer: 16 * 1024 * 1024 });
      composeUp = false;
    },
  };
}
