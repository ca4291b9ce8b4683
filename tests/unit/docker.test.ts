import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/paths.ts';
import { loadTargets } from '../../src/config/targets.ts';
import { clusterSettings } from '../../src/db/local/cluster.ts';
import { dockerPort } from '../../src/db/providers/docker.ts';

/** No Docker engine runs here, so the Docker path is checked without building it. */
const dockerfile = readFileSync(path.join(projectRoot, 'docker', 'Dockerfile'), 'utf8');
const compose = parse(readFileSync(path.join(projectRoot, 'docker', 'compose.yaml'), 'utf8'), { merge: true });
const targets = loadTargets().all;

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
  it('have one service per target of targets.env, built from that target\'s versions', () => {
    expect(Object.keys(compose.services).sort()).toEqual(targets.map((t) => t.id).sort());
    for (const target of targets) {
      const prefix = target.id.toUpperCase();
      expect(compose.services[target.id].build.args).toEqual({
        PG_MAJOR: `\${${prefix}_POSTGRES_MAJOR:?run with --env-file targets.env}`,
        PG_TVIEWS_VERSION: `\${${prefix}_PG_TVIEWS_VERSION:?run with --env-file targets.env}`,
      });
      expect(compose.services[target.id].ports).toEqual([`127.0.0.1:${dockerPort(target)}:5432`]);
    }
  });

  it('hard-code no version: the Dockerfile takes the official image of the major as an argument', () => {
    for (const target of targets) {
      expect(dockerfile).not.toContain(target.pgTviewsVersion);
      expect(JSON.stringify(compose)).not.toContain(target.pgTviewsVersion);
    }
    expect(dockerfile).toMatch(/^ARG PG_TVIEWS_VERSION$/m);
    expect(dockerfile).toMatch(/^FROM postgres:\$\{PG_MAJOR\}-bookworm AS build$/m);
  });

  it('build the extension with the same script as the local provider', () => {
    expect(dockerfile).toContain('COPY scripts/build-extension.sh /src/scripts/build-extension.sh');
    expect(dockerfile).toMatch(/bash \/src\/scripts\/build-extension\.sh/);
    expect(dockerfile).toMatch(/PG_CONFIG="\/usr\/lib\/postgresql\/\$\{PG_MAJOR\}\/bin\/pg_config"/);
  });

  it('run every server with the settings the runbooks need, as the local cluster does', () => {
    const local = commandSettings(clusterSettings('/tmp/socket', 5432));
    for (const target of targets) {
      const docker = commandSettings(compose.services[target.id].command);
      for (const name of ['shared_preload_libraries', 'max_prepared_transactions', 'track_io_timing', 'pg_stat_statements.track', 'timezone']) {
        expect(docker[name], `${target.id}: ${name}`).toBe(local[name]);
      }
    }
  });

  it('are valid: every stage named, the build context at the repository root', () => {
    for (const target of targets) {
      expect(compose.services[target.id].build.context).toBe('..');
      expect(compose.services[target.id].build.dockerfile).toBe('docker/Dockerfile');
    }
    const instructions = dockerfile.split('\n').filter((l) => /^[A-Z]+ /.test(l)).map((l) => l.split(' ')[0]);
    expect(new Set(instructions)).toEqual(new Set(['ARG', 'FROM', 'RUN', 'ENV', 'COPY', 'LABEL']));
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
  });
});
