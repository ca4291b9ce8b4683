import path from 'node:path';
import { projectRoot } from '../../config/paths.ts';
import { PROVIDER_NAMES, type ProviderName } from '../../db/provider.ts';
import { InterruptedError, verify } from '../../verify/run.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, parseOptions, UsageError } from '../command.ts';

/** The shell's convention for a command ended by Ctrl-C. */
const EXIT_INTERRUPTED = 130;

const HELP = `usage: runbooks verify [--only <glob>] [--changed [--base <ref>]] [--report <file>] [--junit <file>]
                       [--provider local|docker|url] [--root <dir>]

Proves every snippet and runbook against the real PostgreSQL with the real pg_tviews:
  1. lint (no database): parse, references, safety, operations rules;
  2. dry-run: each snippet runs with its header's parameter values, isolated by what it
     does (read-only transaction, rolled-back transaction, disposable database, or a bash
     sandbox), and its expectations are checked;
  3. scenarios: each runbook's fault is injected in a fresh copy of the fixture, its
     procedure is followed, and the result is asserted.
Uses the database of 'runbooks db up' when one is running, otherwise a throwaway one.

  --only <glob>      snippets and scenarios whose name matches (e.g. 'health/*')
  --changed          what differs from the base branch, plus what embeds or uses it
  --base <ref>       the base for --changed (default: origin/main, else main)
  --report <file>    where to write the JSON report (default: reports/verify.json)
  --junit <file>     also write JUnit XML
  --provider <name>  local (default), docker or url (PGTV_DATABASE_URL)
  --root <dir>       verify another folder laid out like this project (snippets/, content/, scenarios/)

Exit codes: 0 all passed, 1 something failed, 2 usage or environment error.`;

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'lint, dry-run every snippet and run every scenario against real pg_tviews; write the report',
  help: HELP,
  async run(args) {
    const { values } = parseOptions(args, {
      only: { type: 'string' },
      changed: { type: 'boolean', default: false },
      base: { type: 'string' },
      report: { type: 'string' },
      junit: { type: 'string' },
      provider: { type: 'string' },
      root: { type: 'string' },
    });
    if (values.only && values.changed) throw new UsageError('--only and --changed cannot be combined');
    if (values.base && !values.changed) throw new UsageError('--base only makes sense with --changed');
    const provider = values.provider ?? process.env.PGTV_PROVIDER;
    if (provider && !PROVIDER_NAMES.includes(provider as ProviderName)) throw new UsageError(`unknown provider '${provider}'`);
    const interrupted = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => interrupted.abort());
    let report;
    try {
      report = await verify({
      root: values.root ? path.resolve(values.root) : undefined,
      only: values.only,
      changed: values.changed,
      base: values.base,
      reportFile: values.report ? path.resolve(values.report) : undefined,
      junitFile: values.junit,
      provider: provider as ProviderName | undefined,
      signal: interrupted.signal,
      });
    } catch (error) {
      if (!(error instanceof InterruptedError)) throw error;
      console.error(`\n${error.message}`);
      return EXIT_INTERRUPTED;
    }
    const { snippets, scenarios, durationMs } = report.summary;
    const failed = snippets.failed + scenarios.failed + report.problems.length;
    console.error(
      `\nsnippets: ${snippets.passed} passed, ${snippets.failed} failed; scenarios: ${scenarios.passed} passed, ${scenarios.failed} failed` +
        `${report.problems.length ? `; ${report.problems.length} other problem(s)` : ''} — ${(durationMs / 1000).toFixed(1)} s` +
        `\nPostgreSQL ${report.environment.postgres}, pg_tviews ${report.environment.pgTviews} (${report.environment.provider}); report: ${path.relative(process.cwd(), values.report ?? path.join(values.root ?? projectRoot, 'reports', 'verify.json'))}`,
    );
    return failed === 0 ? EXIT_OK : EXIT_FAILURE;
  },
};
