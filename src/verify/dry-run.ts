import type { VerificationServer } from '../db/attached.ts';
import type { DerivedSafety } from '../lint/safety.ts';
import { safetyRank } from '../lint/safety.ts';
import type { Check, LocatedError, ResultSet } from '../report/schema.ts';
import { durationMs, verificationValues } from '../snippets/header.ts';
import { scriptOptions } from '../snippets/params.ts';
import type { Snippet } from '../snippets/snippet.ts';
import { runBashScript } from './bash-runner.ts';
import { checkExpectations, type Observed } from './expectations.ts';
import { runPsqlScript, type Wrapping } from './psql-runner.ts';

/**
 * Level 2: run one snippet against the real extension, isolated according to what it does.
 *   read-only                       READ ONLY transaction, rolled back, in a shared clone
 *   writes                          transaction rolled back, in a clone of its own
 *   destructive / non-transactional as written, in a clone of its own, dropped after
 *   bash                            sandbox, with a clone of its own
 */

export type Isolation = 'read-only-transaction' | 'rolled-back-transaction' | 'disposable-database' | 'sandbox';

export interface DryRunContext {
  server: VerificationServer;
  /** A clone every read-only snippet may share: nothing it does can change it. */
  sharedDatabase: string;
  runId: string;
  signal?: AbortSignal;
  /** The run's scratch directory (scratch.ts). */
  scratchDir: string;
}

export interface DryRunOutcome {
  isolation: Isolation;
  checks: Check[];
  output: string;
  results: ResultSet[];
  error?: LocatedError;
}

const MAX_REPORTED_ROWS = 50;

export function chooseIsolation(snippet: Snippet, derived: DerivedSafety | undefined): Isolation {
  if (snippet.language === 'bash') return 'sandbox';
  const declared = snippet.header!.safety;
  const effective = derived && safetyRank(derived.class) > safetyRank(declared) ? derived.class : declared;
  if (derived?.nonTransactional || effective === 'destructive') return 'disposable-database';
  return effective === 'read-only' ? 'read-only-transaction' : 'rolled-back-transaction';
}

const WRAPPING: Record<Exclude<Isolation, 'sandbox'>, Wrapping> = {
  'read-only-transaction': 'read-only',
  'rolled-back-transaction': 'rollback',
  'disposable-database': 'none',
};

function trimForReport(results: ResultSet[]): ResultSet[] {
  return results.map((r) => (r.rows.length > MAX_REPORTED_ROWS ? { ...r, rows: r.rows.slice(0, MAX_REPORTED_ROWS), truncated: true } : r));
}

export async function dryRunSnippet(snippet: Snippet, derived: DerivedSafety | undefined, context: DryRunContext): Promise<DryRunOutcome> {
  const header = snippet.header!;
  const isolation = chooseIsolation(snippet, derived);
  const applicationName = `runbooks-verify-${context.runId}-${snippet.name.replaceAll('/', '-')}`.slice(0, 63);
  const params = verificationValues(header);
  const timeoutMs = durationMs(header.timeout);
  const ownDatabase = isolation === 'read-only-transaction' ? undefined : await context.server.createScratch(snippet.name.split('/').pop());
  const database = ownDatabase ?? context.sharedDatabase;
  try {
    let observed: Observed;
    let errorLine = 1;
    let extraChecks: Check[] = [];
    if (snippet.language === 'sql') {
      const run = await runPsqlScript(snippet.text, {
        databaseUrl: context.server.url(database),
        binDir: context.server.info.binDir,
        params,
        wrap: WRAPPING[isolation as Exclude<Isolation, 'sandbox'>],
        timeoutMs,
        applicationName,
        signal: context.signal,
      });
      observed = { results: run.results, text: run.transcript, error: run.error?.message };
      errorLine = run.error?.line ?? 1;
    } else {
      const args = [...(header.verifyArgs ?? []), ...scriptOptions(params)];
      const run = await runBashScript(snippet.file, { args, databaseUrl: context.server.url(database), binDir: context.server.info.binDir, timeoutMs, applicationName, signal: context.signal, scratchDir: context.scratchDir });
      const text = [run.stdout, run.stderr].filter(Boolean).join('\n');
      observed = { results: [], text, exitCode: run.timedOut ? null : run.exitCode, error: run.timedOut ? `timed out after ${timeoutMs} ms: the whole process group was killed` : run.stderr.trim().split('\n').at(-1) || undefined };
      extraChecks = run.stubCalls.length
        ? [{ name: 'recorded-effects', status: 'passed', message: run.stubCalls.map((c) => `${c.command} ${c.args.join(' ')}`.trim()).join('; ') }]
        : [];
    }
    const swept = await context.server.sweep(database, applicationName);
    const leftBehind: Check = swept.preparedTransactions.length
      ? { name: 'nothing-left-behind', status: 'failed', message: `left prepared transactions ${swept.preparedTransactions.join(', ')} (rolled back by the verifier)` }
      : { name: 'nothing-left-behind', status: 'passed' };
    const checks = [...checkExpectations(header.expect, observed, snippet.language), ...extraChecks, leftBehind];
    const failed = checks.find((c) => c.status === 'failed');
    return {
      isolation,
      checks,
      output: observed.text,
      results: trimForReport(observed.results),
      error: failed ? { message: failed.message ?? failed.name, file: snippet.relativeFile, line: failed.name === 'no-error' || failed.name === 'expect-error' ? errorLine : snippet.bodyLine, rule: failed.name } : undefined,
    };
  } finally {
    if (ownDatabase) {
      await context.server.sweep(ownDatabase).catch(() => undefined);
      await context.server.dropScratch(ownDatabase);
    }
  }
}
