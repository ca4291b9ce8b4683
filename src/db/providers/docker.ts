import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../../cli/command.ts';
import { projectRoot } from '../../config/paths.ts';
import type { Provider, ProviderOptions, StartedServer } from '../provider.ts';
import { urlProvider } from './url.ts';

const run = promisify(execFile);

export const COMPOSE_FILE = path.join(projectRoot, 'docker', 'compose.yaml');
export const DOCKER_PORT = Number(process.env.PGTV_DOCKER_PORT ?? 54315);

/** The compose command line, with versions.env as the source of the build's versions. */
export function composeArgs(...rest: string[]): string[] {
  return ['compose', '--env-file', path.join(projectRoot, 'versions.env'), '-f', COMPOSE_FILE, '--project-name', 'pgtv-runbooks', ...rest];
}

/**
 * PostgreSQL 15 with pg_tviews in a container built from docker/Dockerfile; once it is up
 * it is used exactly like the url provider, and `docker compose down -v` removes it.
 */
export function dockerProvider(options: ProviderOptions): Provider {
  const databaseUrl = `postgresql://postgres:postgres@127.0.0.1:${DOCKER_PORT}/postgres`;
  const server = urlProvider({ ...options, databaseUrl }, 'docker');
  let composeUp = false;
  return {
    name: 'docker',
    async start(log): Promise<StartedServer> {
      try {
        await run('docker', ['info'], { timeout: 15_000 });
      } catch {
        throw new EnvironmentError('the docker provider needs a running Docker engine (docker info failed); use the local provider on Debian/Ubuntu instead');
      }
      log('building and starting the pg_tviews container (docker compose up --build --wait)');
      composeUp = true;
      await run('docker', composeArgs('up', '--detach', '--build', '--wait'), {
        env: { ...process.env, PGTV_DOCKER_PORT: String(DOCKER_PORT) },
        maxBuffer: 64 * 1024 * 1024,
      });
      const started = await server.start(log);
      return { ...started, details: { ...started.details, composeFile: COMPOSE_FILE } };
    },
    async stop(log) {
      await server.stop(log).catch(() => undefined);
      if (composeUp) await run('docker', composeArgs('down', '--volumes'), { maxBuffer: 16 * 1024 * 1024 });
      composeUp = false;
    },
  };
}
