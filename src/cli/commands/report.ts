import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../config/paths.ts';
import { EnvironmentError, UsageError } from '../../errors/index.ts';
import { readRunbookReferences } from '../../lint/runbook-references.ts';
import { mergeReports } from '../../report/merge.ts';
import { type Report, reportSchema } from '../../report/schema.ts';
import { type ChangedSelection, reportSummary } from '../../report/summary.ts';
import { loadSnippets, type Snippet } from '../../snippets/snippet.ts';
import { findScenarioFiles, type ScenarioFile } from '../../verify/scenario-runner.ts';
import { changedFiles, selectChanged } from '../../verify/selection.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, parseOptions } from '../command.ts';
import { summaryText } from './verify.ts';

const HELP = `usage: runbooks report merge <report.json>… [--out <file>] [--root <dir>]
       runbooks report summary [--report <file>] [--changed-base <ref>] [--root <dir>]

merge: joins the reports of several verify runs — the targets and shards of a CI matrix — into one,
which the site build reads. Later files win for an entry verified twice on the same target.
The result is partial unless every snippet and scenario of the project (--root, default this
one) has a run on every target the reports name.

  --out <file>   where to write it (default: reports/verify.json)

summary: prints the report as Markdown for a CI run's page (a GitHub workflow appends it to
$GITHUB_STEP_SUMMARY): per target what passed, failed and was skipped; each failure with its
file:line and message; what was verified, a column per target; what was skipped because its
header does not claim a target, with the reason; and, for a partial report, what it does not
cover (snippets and scenarios of --root without a run on every target, files changed since
they were verified).

  --report <file>       the report to read (default: reports/verify.json)
  --changed-base <ref>  also say what 'verify --changed' selected against this base (the
                        changed files, and the snippets and scenarios they select)

Exit codes: merge: 0 merged and nothing failed, 1 merged with failures; summary: 0 printed
(whatever the report says: verify's exit code is the verdict); both: 2 usage error or an
unreadable report.`;

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
  summary: 'merge the reports of several verify runs (targets, shards) into one; print one as a Markdown summary',
  help: HELP,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'summary') return summary(rest);
    if (sub !== 'merge') throw new UsageError(sub ? `unknown report command '${sub}': merge or summary` : 'which report command? merge or summary');
    const { values, positionals } = parseOptions(rest, { out: { type: 'string' }, root: { type: 'string' } }, true);
    if (positionals.length === 0) throw new UsageError('merge needs at least one report file');
    const root = values.root ? path.resolve(values.root) : projectRoot;
    const reports = await Promise.all(positionals.map(readReport));
    const { snippets, scenarios } = await library(root);
    const merged = mergeReports(reports, { snippets: snippets.map((s) => s.name), scenarios: scenarios.map((s) => s.name) });
    const out = path.resolve(values.out ?? path.join(root, 'reports', 'verify.json'));
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(merged, null, 2)}\n`);
    console.error(`merged ${reports.length} report(s)${merged.partial ? ' (still partial: some snippet or scenario lacks a run on some target)' : ''}`);
    console.error(summaryText(merged, path.relative(process.cwd(), out)));
    return merged.summary.snippets.failed + merged.summary.scenarios.failed + merged.problems.length === 0 ? EXIT_OK : EXIT_FAILURE;
  },
};

/** Every snippet and scenario of a project laid out like this one. */
async function library(root: string): Promise<{ snippets: Snippet[]; scenarios: ScenarioFile[] }> {
  const [snippets, scenarios] = await Promise.all([
    loadSnippets([path.join(root, 'snippets')], { projectRoot: root, snippetsRoot: path.join(root, 'snippets') }).catch(() => [] as Snippet[]),
    findScenarioFiles(path.join(root, 'scenarios'), root),
  ]);
  return { snippets, scenarios };
}

/** What `verify --changed --base <base>` selects in this checkout. */
async function changedSelection(root: string, base: string, snippets: Snippet[], scenarios: ScenarioFile[]): Promise<ChangedSelection> {
  const contentRoot = path.join(root, 'content');
  const pages = (await readdir(contentRoot, { recursive: true, withFileTypes: true }).catch(() => []))
    .filter((e) => e.isFile() && /\.mdx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
  const references = (await readRunbookReferences(pages, root)).flatMap((page) => page.references);
  const [files, selection] = await Promise.all([changedFiles(root, base), selectChanged({ projectRoot: root, base, snippets, scenarios, references })]);
  return { base, files, snippets: [...selection.snippets].sort(), scenarios: [...selection.scenarios].sort(), reason: selection.reason };
}

async function summary(args: string[]): Promise<number> {
  const { values } = parseOptions(args, { report: { type: 'string' }, 'changed-base': { type: 'string' }, root: { type: 'string' } });
  const root = values.root ? path.resolve(values.root) : projectRoot;
  const file = path.resolve(values.report ?? path.join(root, 'reports', 'verify.json'));
  const report = await readReport(file);
  const { snippets, scenarios } = await library(root);
  const changed = values['changed-base'] ? await changedSelection(root, values['changed-base'], snippets, scenarios) : undefined;
  process.stdout.write(
    reportSummary(report, {
      library: { snippets: snippets.map((s) => s.name), scenarios: scenarios.map((s) => s.name) },
      currentHashes: new Map(snippets.map((s) => [s.name, s.sha256])),
      changed,
      reportPath: path.relative(root, file) || file,
    }),
  );
  return EXIT_OK;
}
