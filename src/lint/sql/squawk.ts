import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cacheDir, projectRoot } from '../../config/paths.ts';
import { EnvironmentError } from '../../errors/index.ts';

/**
 * squawk (https://squawkhq.com), the Postgres linter for lock and migration hazards, run once
 * over every SQL text of a lint run: one process for all files, like shellcheck, because a
 * process per snippet would cost more than lint's whole budget.
 *
 * The binary comes from the PyPI package squawk-cli, pinned in scripts/install-tools.sh (which
 * `runbooks setup` runs) and installed under ~/.cache/pgtv-runbooks/tools; PGTV_SQUAWK names
 * another binary.
 */

export interface SquawkFinding {
  /** The key the text was given under (a snippet's file). */
  key: string;
  /** 1-based, in the text given. */
  line: number;
  column: number;
  rule: string;
  message: string;
  help?: string;
}

/** The version scripts/install-tools.sh pins: that script is the one place it is written. */
export function squawkVersion(): string {
  const script = readFileSync(path.join(projectRoot, 'scripts', 'install-tools.sh'), 'utf8');
  const version = /^SQUAWK_VERSION=(\S+)$/m.exec(script)?.[1];
  if (!version) throw new Error('scripts/install-tools.sh does not set SQUAWK_VERSION');
  return version;
}

export function squawkBinary(): string {
  if (process.env.PGTV_SQUAWK) return process.env.PGTV_SQUAWK;
  return path.join(cacheDir(), 'tools', `squawk-${squawkVersion()}`, 'squawk');
}

/**
 * Rules squawk has that say nothing about an operations snippet, and are not run:
 * - prefer-robust-stmts, transaction-nesting: migration-runner concerns (re-running a file,
 *   a runner's own transaction; transaction-nesting also takes COMMIT PREPARED for a COMMIT
 *   without BEGIN);
 * - require-statement-timeout: the header's `timeout` bounds a verification run, and how long
 *   a maintenance step may take is the runbook's to say;
 * - prefer-bigint-over-int, prefer-bigint-over-smallint, prefer-identity, prefer-text-field,
 *   prefer-timestamptz, ban-char-field: schema design, for tables an application keeps, not
 *   the scratch and bookkeeping tables of a procedure.
 * Its syntax errors come back as rule `syntax-error`: sql-syntax reports real ones, knowing psql.
 */
export const SQUAWK_EXCLUDED = [
  'prefer-robust-stmts',
  'transaction-nesting',
  'require-statement-timeout',
  'prefer-bigint-over-int',
  'prefer-bigint-over-smallint',
  'prefer-identity',
  'prefer-text-field',
  'prefer-timestamptz',
  'ban-char-field',
] as const;

/**
 * Opt-in rules that are run: dropping an index or a trigger matters to pg_tviews, whose TVIEWs
 * are kept by triggers and read through indexes. (Not ban-disable-trigger: the derived safety
 * already calls DISABLE TRIGGER destructive, and safety-understated reports it.)
 */
export const SQUAWK_INCLUDED = ['ban-drop-index', 'ban-drop-trigger'] as const;

interface SquawkJson {
  file: string;
  line: number;
  column: number;
  level: string;
  message: string;
  help?: string | null;
  rule_name: string;
}

/**
 * Lints each text (already masked: psql meta-commands blanked, variables replaced by stand-ins
 * of the same length, so lines and columns are the file's) and returns squawk's findings.
 * `pgVersion` is the oldest PostgreSQL the snippets must be safe on.
 */
export async function runSquawk(texts: Map<string, string>, options: { pgVersion: string }): Promise<SquawkFinding[]> {
  if (texts.size === 0) return [];
  const binary = squawkBinary();
  if (!existsSync(binary)) {
    throw new EnvironmentError(`squawk ${squawkVersion()} is not installed (${binary}): run 'runbooks setup', or scripts/install-tools.sh squawk`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pgtv-squawk-'));
  try {
    const names = new Map<string, string>();
    let index = 0;
    for (const [key, text] of texts) {
      const name = `${String(index++).padStart(5, '0')}.sql`;
      names.set(name, key);
      await writeFile(path.join(dir, name), text);
    }
    const args = [
      '--reporter', 'json',
      `--pg-version=${options.pgVersion}`,
      `--exclude=${SQUAWK_EXCLUDED.join(',')}`,
      `--include=${SQUAWK_INCLUDED.join(',')}`,
      '--no-assume-in-transaction',
      ...names.keys(),
    ];
    // In its own empty folder: no .squawk.toml of the user's can change what it reports.
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve, reject) => {
      execFile(binary, args, { cwd: dir, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, out, err) => {
        const failure = error as (NodeJS.ErrnoException & { code?: unknown }) | null;
        if (failure && typeof failure.code !== 'number') reject(new EnvironmentError(`squawk could not run (${binary}): ${failure.message}`));
        else resolve({ stdout: out, stderr: err, code: typeof failure?.code === 'number' ? failure.code : 0 });
      });
    });
    if (code !== 0 && code !== 1) throw new Error(`squawk failed (exit ${code}): ${stderr.trim() || stdout.trim()}`);
    const found = JSON.parse(stdout || '[]') as SquawkJson[];
    return found.map((f) => ({
        key: names.get(path.basename(f.file)) ?? f.file,
        // squawk counts lines and columns from 0.
        line: f.line + 1,
        column: f.column + 1,
        rule: f.rule_name,
        message: f.message,
        help: f.help ?? undefined,
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
