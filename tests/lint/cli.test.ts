import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusRoot } from './helpers.ts';

/**
 * `runbooks lint` and `runbooks new` as a person runs them: output lines and exit codes. Each
 * test starts Node; on a loaded two-core machine that alone can take seconds, hence the timeout.
 */
const SPAWNING = { timeout: 60_000 };

function runbooks(...args: string[]) {
  const result = spawnSync(process.execPath, ['scripts/runbooks.ts', ...args], { encoding: 'utf8', cwd: path.resolve(corpusRoot, '../../..') });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('runbooks lint', SPAWNING, () => {
  it('exits 0 on clean snippets and prints a summary', () => {
    const { code, stdout, stderr } = runbooks('lint', path.join(corpusRoot, 'snippets', 'good'));
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^lint: 10 snippets, 0 runbooks: 0 errors, 0 warnings \(\d+\.\d\d s\)\n$/);
    expect(code).toBe(0);
  });
  it('exits 1 and prints file:line:col  rule  message with the fix below', () => {
    const { code, stdout } = runbooks('lint', path.join(corpusRoot, 'snippets', 'api-function', 'get-queue.sql'));
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      'tests/lint/corpus/snippets/api-function/get-queue.sql:8:8  api-function  pg_tviews 0.1.0-beta.34 has no function pg_tviews_get_queue; did you mean pg_tviews_debug_queue, pg_tviews_queue_stats?',
      "    fix: call a function the installed pg_tviews has, with its arguments ('\\df tviews.*' lists them)",
      '',
    ]);
  });
  it('exits 2 for a path that does not exist or an unknown option', () => {
    const missing = runbooks('lint', 'no/such/path');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or folder: no/such/path');
    expect(runbooks('lint', '--frobnicate').code).toBe(2);
  });
  it('lists its rules', () => {
    const { code, stdout } = runbooks('lint', '--rules');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^api-function +a pg_tviews function that does not exist/m);
    expect(stdout).toMatch(/^target-claim +the header's targets \(only\/except\) name a target that targets\.env does not have, or leave no target$/m);
    expect(stdout.trim().split('\n')).toHaveLength(26);
    expect(stdout).toMatch(/^squawk +squawk.s lock and migration hazards/m);
  });
});

describe('runbooks new', SPAWNING, () => {
  it('exits 2 with a clear message for a bad name, writing nothing', () => {
    const { code, stderr } = runbooks('new', 'snippet', 'NotKebab');
    expect(code).toBe(2);
    expect(stderr).toContain("'NotKebab' is not <area>/<name>");
    expect(existsSync(path.resolve(corpusRoot, '../../../snippets/NotKebab.sql'))).toBe(false);
  });
  it('exits 2 when the kind or the name is missing', () => {
    expect(runbooks('new').code).toBe(2);
    expect(runbooks('new', 'page', 'a/b').stderr).toContain("cannot create 'page': 'snippet' or 'runbook'");
    expect(runbooks('new', 'runbook', 'a/b').stderr).toContain("'a' is not a category folder");
  });
});
