import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseTargets, type Target } from '../../config/targets.ts';
import { EnvironmentError } from '../../errors/index.ts';

/**
 * The targets of a project's targets.env, for the site: a snippet that claims a target must
 * have passed on it before the site calls it verified. Unlike a missing report, a missing or
 * broken targets.env stops whoever asks (the message names the file and line): without it the
 * site cannot tell what "verified" has to cover.
 */

const cache = new Map<string, { mtimeMs: number; size: number; targets: Target[] }>();

export function readTargets(file: string): Target[] {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    throw new EnvironmentError(`there is no ${path.basename(file)} in ${path.dirname(file)}: the site needs it to know which targets a snippet must be verified on`, { file });
  }
  // `astro dev` keeps running while someone adds a target: reread on change.
  const cached = cache.get(file);
  if (cached && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) return cached.targets;
  const targets = parseTargets(readFileSync(file, 'utf8'), file).all;
  cache.set(file, { mtimeMs: stats.mtimeMs, size: stats.size, targets });
  return targets;
}
