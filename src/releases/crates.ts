import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { EnvironmentError } from '../errors/index.ts';

const run = promisify(execFile);

/**
 * What crates.io says about pg_tviews: the newest release (asked through `cargo info`, as a
 * maintainer would) and every published version (cargo's sparse index, which `cargo info`
 * reads too), so the tool can say how far a pinned version is behind.
 */

/** Semantic-version order, prereleases included (0.1.0-beta.9 < 0.1.0-beta.10 < 0.1.0). */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core, pre] = v.split('-', 2) as [string, string | undefined];
    return { core: core.split('.').map(Number), pre: pre?.split('.') };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i] - y.core[i];
  if (!x.pre || !y.pre) return x.pre ? -1 : y.pre ? 1 : 0;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const [p, q] = [x.pre[i], y.pre[i]];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    const [pn, qn] = [/^\d+$/.test(p), /^\d+$/.test(q)];
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

/** The version `cargo info <crate>` reports as the newest. */
export async function newestRelease(crate = 'pg_tviews'): Promise<string> {
  let stdout: string;
  try {
    // Outside any Cargo project, so no workspace's config or lock file changes the answer.
    ({ stdout } = await run('cargo', ['info', crate], { cwd: os.tmpdir(), timeout: 60_000 }));
  } catch (error) {
    throw new EnvironmentError(`cargo info ${crate} failed (is cargo installed, and crates.io reachable?): ${(error as Error).message.split('\n')[0]}`);
  }
  const version = /^version:\s*(\S+)/m.exec(stdout)?.[1];
  if (!version) throw new EnvironmentError(`cargo info ${crate} printed no version line`);
  return version;
}

/** Every version published and not yanked, oldest first, from crates.io's sparse index. */
export async function publishedVersions(crate = 'pg_tviews'): Promise<string[]> {
  const prefix = crate.length <= 3 ? `${crate.length}` : `${crate.slice(0, 2)}/${crate.slice(2, 4)}`;
  const response = await fetch(`https://index.crates.io/${prefix}/${crate}`).catch((error: Error) => {
    throw new EnvironmentError(`cannot reach crates.io's index: ${error.message}`);
  });
  if (!response.ok) throw new EnvironmentError(`crates.io's index answered ${response.status} for ${crate}`);
  const lines = (await response.text()).split('\n').filter(Boolean);
  const versions = lines.map((line) => JSON.parse(line) as { vers: string; yanked: boolean }).filter((v) => !v.yanked).map((v) => v.vers);
  return versions.sort(compareVersions);
}
