import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/paths.ts';
import { parseVersionsEnv, pinnedVersions } from '../../src/config/versions.ts';
import { clusterSettings } from '../../src/db/local/cluster.ts';

/** No Docker engine runs here, so the Docker path is checked without building it. */
const dockerfile = readFileSync(path.join(projectRoot, 'docker', 'Dockerfile'), 'utf8');
const compose = parse(readFileSync(path.join(projectRoot, 'docker', 'compose.yaml'), 'utf8'));
const service = compose.services.postgres;

function commandSettings(command: string[]): Record<string, string> {
  const settings: Record<string, string> = {};
  for (let i = 0; i < command.length; i++) {
    if (command[i] === '-c') {
      const [name, ...value] = command[++i].split('=');
      settings[name] = value.join('=');
    }
  }
  return settings;
}

describe('docker/Dockerfile and docker/compose.yaml', () => {
  it('take their versions from versions.env and hard-code none', () => {
    const versions = pinnedVersions();
    expect(dockerfile).not.toContain(versions.pgTviews);
    expect(dockerfile).toMatch(/^ARG PG_TVIEWS_VERSION$/m);
    expect(dockerfile).toMatch(/^FROM postgres:\$\{PG_MAJOR\}-bookworm AS build$/m);
    expect(service.build.args).toEqual({
      PG_MAJOR: '${PG_MAJOR:?run with --env-file versions.env}',
      PG_TVIEWS_VERSION: '${PG_TVIEWS_VERSION:?run with --env-file versions.env}',
    });
    expect(JSON.stringify(compose)).not.toContain(versions.pgTviews);
  });

  it('build the extension with the same script as the local provider', () => {
    expect(dockerfile).toContain('COPY scripts/build-extension.sh /src/scripts/build-extension.sh');
    expect(dockerfile).toMatch(/bash \/src\/scripts\/build-extension\.sh build/);
  });

  it('run the server with the settings the runbooks need, as the local cluster does', () => {
    const local = commandSettings(clusterSettings('/tmp/socket', 5432));
    const docker = commandSettings(service.command);
    for (const name of ['shared_preload_libraries', 'max_prepared_transactions', 'track_io_timing', 'pg_stat_statements.track', 'timezone']) {
      expect(docker[name], name).toBe(local[name]);
    }
  });

  it('are valid: every stage named, the build context at the repository root', () => {
    expect(service.build.context).toBe('..');
    expect(service.build.dockerfile).toBe('docker/Dockerfile');
    const instructions = dockerfile.split('\n').filter((l) => /^[A-Z]+ /.test(l)).map((l) => l.split(' ')[0]);
    expect(new Set(instructions)).toEqual(new Set(['ARG', 'FROM', 'RUN', 'ENV', 'COPY', 'LABEL']));
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
  });
});

describe('versions.env', () => {
  it('pins pg_tviews exactly and names the PostgreSQL major', () => {
    const versions = pinnedVersions();
    expect(versions.pgTviews).toMatch(/^\d+\.\d+\.\d+(-[a-z]+\.\d+)?$/);
    expect(versions.postgresMajor).toBe(15);
  });

  it('rejects a malformed line, naming it', () => {
    expect(() => parseVersionsEnv('PG_MAJOR=15\nnot a pair\n', 'versions.env')).toThrow('versions.env:2: expected NAME=value');
    expect(() => parseVersionsEnv('PG_MAJOR=15\n', 'versions.env')).toThrow('PG_TVIEWS_VERSION is not set');
  });
});
