import path from 'node:path';
import { projectRoot } from '../../config/paths.ts';
import { findTarget } from '../../config/targets.ts';
import { PROVIDER_NAMES, type ProviderName } from '../../db/provider.ts';
import { UsageError } from '../../errors/index.ts';
import type { Report } from '../../report/schema.ts';
import { reportAnnotations } from '../../report/summary.ts';
import { loadSnippets } from '../../snippets/snippet.ts';
import { InterruptedError, verify } from '../../verify/run.ts';
import type { Shard } from '../../verify/selection.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, parseOptions } from '../command.ts';

/** The shell's convention for a command ended by Ctrl-C. */
const EXIT_INTERRUPTED = 130;

const HELP = `usage: runbooks verify [--target <id>]… [--only <glob>] [--changed [--base <ref>]] [--shard <i>/<n>]
                       [--report <file>] [--junit <file>] [--format text|github] [--fresh]
                       [--provider local|docker|url] [--root <dir>]

Proves every snippet and runbook against the real PostgreSQL with the real pg_tviews, on every
target of targets.env (each on its own server):
  1. lint (no database): parse, references, safety, operations rules, and each target's API;
  2. dry-run: each snippet runs with its header's parameter values, isolated by what it
     does (read-only transaction, rolled-back transaction, disposable database, or a bash
     sandbox), and its expectations are checked;
  3. scenarios: each runbook's fault is injected in a fresh copy of the fixture, its
     procedure is followed, and the result is asserted.
A snippet or scenario whose header claims only some targets is skipped, with its reason, on
the others. Uses the database of 'runbooks db up' of a target when one is running, otherwise
a throwaway one.

  --target <id>      only this target (repeatable; default: every target)
  --only <glob>      snippets and scenarios whose name matches (e.g. 'health/*'); a glob
                     that matches nothing is an error
  --changed          what differs from the base branch, plus what embeds or uses it
  --base <ref>       the base for --changed (default: origin/main, else main)
  --shard <i>/<n>    only the i-th of n parts of the selection, split by name (stable across
                     machines); merge the parts' reports with 'runbooks report merge'
  --report <file>    where to write the JSON report (default: reports/verify.json); what a
                     partial run did not cover is kept from the report already there
  --fresh            ignore the report already there
  --junit <file>     also write JUnit XML
  --format github    also print each failure as a GitHub Actions workflow command
                     ('::error file=…,line=…,col=…,title=<rule> on <targets>::message') on stdout,
                     which a workflow turns into an annotation on that line of the pull request
                     (default: text, the progress and summary lines only, on stderr)
  --provider <name>  local (default), docker or url (PGTV_DATABASE_URL: its server is the one target)
  --root <dir>       verify another folder laid out like this project (snippets/, content/, scenarios/)

Exit codes: 0 all passed, 1 something failed, 2 usage or environment error.`;

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const shard = match ? { index: Number(match[1]), count: Number(match[2]) } : undefined;
  if (!shard || shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    throw new UsageError(`--shard takes <i>/<n> with 1 ≤ i ≤ n, such as 2/4, not '${text}'`);
  }
  return shard;
}

/** The closing lines: per target, what passed and failed. */
export function summaryText(report: Report, reportPath: string): string {
  const { snippets, scenarios, durationMs } = report.summary;
  const lines = [
    `\nsnippets: ${snippets.passed} passed, ${snippets.failed} failed, ${snippets.skipped} skipped; scenarios: ${scenarios.passed} passed, ${scenarios.failed} failed, ${scenarios.skipped} skipped` +
      `${report.problems.length ? `; ${report.problems.length} other problem(s)` : ''} — ${(durationMs / 1000).toFixed(1)} s`,
  ];
  for (const target of report.targets) {
    const s = target.summary;
    lines.push(
      `${target.id}: PostgreSQL ${target.postgres}, pg_tviews ${target.pgTviews} (${target.provider}) — snippets ${s.snippets.passed} passed, ${s.snippets.failed} failed; scenarios ${s.scenarios.passed} passed, ${s.scenarios.failed} failed; ${(s.durationMs / 1000).toFixed(1)} s`,
    );
  }
  lines.push(`report: ${reportPath}`);
  return lines.join('\n');
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'lint, dry-run every snippet and run every scenario against real pg_tviews on every target; write the report',
  help: HELP,
  async run(args) {
    const { values } = parseOptions(args, {
      target: { type: 'string', multiple: true },
      only: { type: 'string' },
      changed: { type: 'boolean', default: false },
      base: { type: 'string' },
      shard: { type: 'string' },
      report: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      junit: { type: 'string' },
      provider: { type: 'string' },
      root: { type: 'string' },
      format: { type: 'string', default: 'text' },
    });
    if (values.format !== 'text' && values.format !== 'github') throw new UsageError(`--format takes text or github, not '${values.format}'`);
    if (values.only && values.changed) throw new UsageError('--only and --changed cannot be combined');
    if (values.base && !values.changed) throw new UsageError('--base only makes sense with --changed');
    const provider = values.provider ?? process.env.PGTV_PROVIDER;
    if (provider && !PROVIDER_NAMES.includes(provider as ProviderName)) throw new UsageError(`unknown provider '${provider}'`);
    const targets = values.target?.map((id) => findTarget(id).id);
    const shard = values.shard ? parseShard(values.shard) : undefined;
    const interrupted = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => interrupted.abort());
    const reportFile = values.report ? path.resolve(values.report) : undefined;
    let report;
    try {
      report = await verify({
        root: values.root ? path.resolve(values.root) : undefined,
        targets,
        only: values.only,
        changed: values.changed,
        base: values.base,
        shard,
        reportFile,
        fresh: values.fresh,
        junitFile: values.junit,
        provider: provider as ProviderName | undefined,
        signal: interrupted.signal,
      });
    } catch (error) {
      if (!(error instanceof InterruptedError)) throw error;
      console.error(`\n${error.message}`);
      return EXIT_INTERRUPTED;
    }
    const { snippets, scenarios } = report.summary;
    const failed = snippets.failed + scenarios.failed + report.problems.length;
    if (values.format === 'github') {
      const root = values.root ? path.resolve(values.root) : projectRoot;
      const now = await loadSnippets([path.join(root, 'snippets')], { projectRoot: root, snippetsRoot: path.join(root, 'snippets') }).catch(() => []);
      for (const line of reportAnnotations(report, new Map(now.map((s) => [s.name, s.sha256])))) console.log(line);
    }
    console.error(summaryText(report, path.relative(process.cwd(), reportFile ?? path.join(values.root ?? projectRoot, 'reports', 'verify.json'))));
    return failed === 0 ? EXIT_OK : EXIT_FAILURE;
  },
};
