import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths.ts';

/** The pinned versions, read from versions.env: the one place they are written down. */
export interface PinnedVersions {
  pgTviews: string;
  postgresMajor: number;
}

export function parseVersionsEnv(text: string, file: string): PinnedVersions {
  const values = new Map<string, string>();
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(trimmed);
    if (!match) throw new Error(`${file}:${index + 1}: expected NAME=value`);
    values.set(match[1], match[2]);
  });
  const required = (name: string) => {
    const value = values.get(name);
    if (!value) throw new Error(`${file}: ${name} is not set`);
    return value;
  };
  return { pgTviews: required('PG_TVIEWS_VERSION'), postgresMajor: Number(required('PG_MAJOR')) };
}

export function pinnedVersions(): PinnedVersions {
  const file = path.join(projectRoot, 'versions.env');
  return parseVersionsEnv(readFileSync(file, 'utf8'), file);
}
