import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../config/paths.ts';
import { EnvironmentError, UsageError } from '../../errors/index.ts';
import { mergeReports } from '../../report/merge.ts';
import { type Report, reportSchema } from '../../report/schema.ts';
import { loadSnippets } from '../../snippets/snippet.ts';
import { findScenarioFiles } from '../../verify/scenario-runner.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, parseOptions } from '../command.ts';
import { summaryText } from './verify.ts';

const HELP = `usage: runbooks report merge <report.json>… [--out <file>] [--root <dir>]

Joins the reports of several verify runs — the targets and shards of a CI matrix — into one,
which the site build reads. Later files win for an entry verified twice on the same target.
The result is partial unless every snippet and scenario of the project (--root, default this
one) has a run on every target the reports name.

  --out <file>   where to write it (default: reports/verify.json)

Exit codes: 0 merged and nothing failed, 1 merged with failures, 2 usage error or an unreadable report.`;

async function readReport(file: string): Promise<Report> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new EnvironmentError(`cannot read it as JSON: ${(error as Error).message}`, { file });
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EnvironmentError(`not a report of schema version 2: ${issue.path.join('.') || 'top level'}: ${issue.message}`, { file });
  }
  return parsed.data;
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'merge the reports of several verify runs (targets, shards) into one',
  help: HELP,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub !== 'merge') throw new UsageError(sub ? `unknown report command '${sub}'` : 'which report command? merge');
    const { values, positionals } = parseOptions(rest, { out: { type: 'string' }, root: { type: 'string' } }, true);
    if (positionals.length === 0) throw new UsageError('merge needs at least one report file');
    const root = values.root ? path.resolve(values.root) : projectRoot;
    const reports = await Promise.all(positionals.map(readReport));
    const [snippets, scenarios] = await Promise.all([
      loadSnippets([path.join(root, 'snippets')], { projectRoot: root, snippetsRoot: path.join(root, 'snippets') }).catch(() => []),
      findScenarioFiles(path.join(root, 'scenarios'), root),
    ]);
    const merged = mergeReports(reports, { snippets: snippets.map((s) => s.name), scenarios: scenarios.map((s) => s.name) });
    const out = path.resolve(values.out ?? path.join(root, 'reports', 'verify.json'));
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(merged, null, 2)}\n`);
    console.error(`merged ${reports.length} report(s)${merged.partial ? ' (still partial: some snippet or scenario lacks a run on some target)' : ''}`);
    console.error(summaryText(merged, path.relative(process.cwd(), out)));
    return merged.summary.snippets.failed + merged.summary.scenarios.failed + merged.problems.length === 0 ? EXIT_OK : EXIT_FAILURE;
  },
};
