import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeTarget, loadTargets } from '../../src/config/targets.ts';
import { compareVersions, publishedVersions } from '../../src/releases/crates.ts';

const run = promisify(execFile);
const cli = path.resolve(import.meta.dirname, '..', '..', 'scripts', 'runbooks.ts');

describe('runbooks targets', () => {
  it('lists every target of targets.env, the primary one marked', async () => {
    const { stdout } = await run(process.execPath, [cli, 'targets']);
    const targets = loadTargets();
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(targets.all.length);
    targets.all.forEach((target, i) => {
      expect(lines[i]).toContain(`${target.id}  ${describeTarget(target)}  from ${target.package}`);
      expect(lines[i].endsWith('(primary)')).toBe(i === 0);
    });
  });

  it('--newer asks crates.io for the newest release and counts the releases since the pinned one', async () => {
    const { stdout } = await run(process.execPath, [cli, 'targets', '--newer'], { timeout: 120_000 });
    const newest = /^newest pg_tviews on crates\.io: (\S+)$/m.exec(stdout)?.[1];
    expect(newest).toMatch(/^\d+\.\d+\.\d+/);
    const published = await publishedVersions();
    expect(published).toContain(newest);
    for (const pinned of new Set(loadTargets().all.map((t) => t.pgTviewsVersion))) {
      expect(published).toContain(pinned);
      const behind = published.filter((v) => compareVersions(v, pinned) > 0 && compareVersions(v, newest!) <= 0);
      const line = stdout.split('\n').find((l) => l.startsWith(`${pinned} (`));
      expect(line).toBe(behind.length === 0 ? `${pinned} (${loadTargets().all.filter((t) => t.pgTviewsVersion === pinned).map((t) => t.id).join(', ')}): up to date` : expect.stringContaining(`${behind.length} release(s) behind: ${behind.join(', ')}`));
    }
  });
});

describe('runbooks setup --target', () => {
  it('reads every --target given, refusing an unknown one before installing anything', async () => {
    // The unknown id comes first: were only the last --target read, setup would go on with pg18.
    const failed = await run(process.execPath, [cli, 'setup', '--target', 'nope', '--target', loadTargets().primary.id, '--no-browser']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/nope/);
    expect(failed?.stderr).not.toMatch(/setup complete/);
  });
});
