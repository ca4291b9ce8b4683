import { workflowCommand } from '../lint/format-github.ts';
import type { LocatedError, Report, ScenarioEntry, SnippetEntry, Status } from './schema.ts';

/**
 * A verify report for people reading a CI run: `runbooks report summary` prints it as Markdown
 * (a workflow writes it to $GITHUB_STEP_SUMMARY, any CI can publish it), and `runbooks verify
 * --format github` turns its failures into annotations on the pull request's lines.
 *
 * The summary says what was verified, on which targets (a column per target), what failed and
 * why (file:line and message), what was skipped because its header does not claim a target
 * (with the reason), and, for a partial report, what it did not cover.
 */

export interface ChangedSelection {
  /** The ref `verify --changed` compared with. */
  base: string;
  /** The files that differ from it. */
  files: string[];
  snippets: string[];
  scenarios: string[];
  /** Why, as verify says it (`3 changed file(s) since origin/main`). */
  reason: string;
}

export interface SummaryOptions {
  /** Every snippet and scenario of the project: what a partial report lacks is listed as not covered. */
  library?: { snippets: string[]; scenarios: string[] };
  /** sha256 of each snippet file as it is now, by snippet name: an entry verified on other text is stale. */
  currentHashes?: Map<string, string>;
  /** What `verify --changed` selected (runbooks report summary --changed-base). */
  changed?: ChangedSelection;
  /** Where the report was read from. */
  reportPath?: string;
  /** At most this many rows in a long table (the rest is counted); default 200. */
  maxRows?: number;
}

type Entry = (SnippetEntry | ScenarioEntry) & { kind: 'snippet' | 'scenario' };

const SYMBOL: Record<Status, string> = { passed: '✅', failed: '❌', skipped: '⏭️' };

/** A table cell: no line breaks, no column separators, and not too long to read. */
export function cell(text: string, max = 300): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').replaceAll('|', '\\|').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function code(text: string): string {
  return `\`${text.replaceAll('`', "'")}\``;
}

function where(error: LocatedError | undefined, fallback: string): string {
  if (!error) return fallback;
  return `${error.file}${error.line ? `:${error.line}` : ''}${error.line && error.column ? `:${error.column}` : ''}`;
}

function entries(report: Report): Entry[] {
  return [...report.snippets.map((e) => ({ ...e, kind: 'snippet' as const })), ...report.scenarios.map((e) => ({ ...e, kind: 'scenario' as const }))];
}

function label(entry: Entry): string {
  return `${entry.kind} ${code(entry.name)}`;
}

function isStale(entry: Entry, hashes: Map<string, string> | undefined): boolean {
  if (entry.kind !== 'snippet' || !hashes) return false;
  const now = hashes.get(entry.name);
  return now !== undefined && now !== (entry as SnippetEntry).sha256;
}

/** A failure: the same error on several targets is one row naming them. */
interface Failure {
  entry: Entry;
  targets: string[];
  error?: LocatedError;
  message: string;
}

function failedCheck(run: { checks?: { name: string; status: string; message?: string }[]; steps?: { description: string; status: string; message?: string }[] }): string | undefined {
  const check = run.checks?.find((c) => c.status === 'failed' && c.name !== 'lint');
  if (check) return `${check.name}${check.message ? `: ${check.message}` : ''}`;
  const step = run.steps?.find((s) => s.status === 'failed');
  return step ? `${step.description}${step.message ? `: ${step.message}` : ''}` : undefined;
}

export function failures(report: Report, hashes?: Map<string, string>): Failure[] {
  const found = new Map<string, Failure>();
  for (const entry of entries(report)) {
    if (isStale(entry, hashes)) continue;
    for (const [target, run] of Object.entries(entry.targets)) {
      if (run.status !== 'failed') continue;
      const message = run.error?.message ?? failedCheck(run as never) ?? 'failed';
      const key = `${entry.kind}\0${entry.name}\0${where(run.error, entry.file)}\0${message}`;
      const failure: Failure = found.get(key) ?? { entry, targets: [], error: run.error, message };
      failure.targets.push(target);
      found.set(key, failure);
    }
  }
  return [...found.values()];
}

function table(header: string[], rows: string[][], maxRows: number): string[] {
  const shown = rows.slice(0, maxRows);
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...shown.map((row) => `| ${row.join(' | ')} |`)];
  if (rows.length > shown.length) lines.push('', `…and ${rows.length - shown.length} more.`);
  return lines;
}

function folded(summary: string, body: string[], open: boolean): string[] {
  if (open) return body;
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>'];
}

function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`}`;
}

export function reportSummary(report: Report, options: SummaryOptions = {}): string {
  const maxRows = options.maxRows ?? 200;
  const targets = report.targets.map((t) => t.id);
  const all = entries(report);
  const failed = failures(report, options.currentHashes);
  const stale = all.filter((e) => isStale(e, options.currentHashes));
  const selected = options.changed ? new Set([...options.changed.snippets.map((n) => `snippet\0${n}`), ...options.changed.scenarios.map((n) => `scenario\0${n}`)]) : undefined;
  const inRun = (e: Entry) => !selected || selected.has(`${e.kind}\0${e.name}`);
  const verified = all.filter((e) => inRun(e) && !isStale(e, options.currentHashes));
  const kept = all.filter((e) => !inRun(e) && !isStale(e, options.currentHashes));
  const problems = report.problems.length;
  const bad = failed.length + problems;

  const lines: string[] = [];
  const snippetsVerified = verified.filter((e) => e.kind === 'snippet').length;
  const scenariosVerified = verified.filter((e) => e.kind === 'scenario').length;
  lines.push(
    bad > 0
      ? `## ❌ Runbooks verification: ${plural(failed.length, 'failure')}${problems ? ` and ${plural(problems, 'other problem')}` : ''}`
      : `## ✅ Runbooks verification: ${plural(snippetsVerified, 'snippet')} and ${plural(scenariosVerified, 'scenario')} verified, nothing failed`,
  );
  lines.push('');
  const facts = [
    options.reportPath ? `Report ${code(options.reportPath)}` : 'Report',
    report.environment.commit ? `commit ${code(report.environment.commit.slice(0, 12))}${report.environment.dirty ? ' (with uncommitted changes)' : ''}` : undefined,
    `written ${report.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`,
    `on ${targets.join(', ')}`,
  ].filter(Boolean);
  lines.push(`${facts.join(', ')}.${report.partial ? ' **Partial**: it does not cover the whole library (see the end).' : ''}`);
  lines.push('');

  // Per target.
  lines.push(
    ...table(
      ['target', 'PostgreSQL', 'pg_tviews', 'provider', 'snippets ✅ / ❌ / ⏭️', 'scenarios ✅ / ❌ / ⏭️', 'time'],
      report.targets.map((t) => [
        `**${t.id}**${t.primary ? ' (primary)' : ''}`,
        t.postgres,
        t.pgTviews,
        t.provider,
        `${t.summary.snippets.passed} / ${t.summary.snippets.failed} / ${t.summary.snippets.skipped}`,
        `${t.summary.scenarios.passed} / ${t.summary.scenarios.failed} / ${t.summary.scenarios.skipped}`,
        `${(t.summary.durationMs / 1000).toFixed(1)} s`,
      ]),
      maxRows,
    ),
  );

  if (bad > 0) {
    lines.push('', `### Failed (${failed.length + problems})`, '');
    lines.push(
      ...table(
        ['what', 'on', 'where', 'why'],
        [
          ...failed.map((f) => [
            label(f.entry),
            f.targets.length === targets.length && targets.length > 1 ? 'every target' : f.targets.join(', '),
            code(where(f.error, f.entry.file)),
            cell(`${f.error?.rule ? `**${f.error.rule}**: ` : ''}${f.message}${f.error?.hint ? ` — fix: ${f.error.hint}` : ''}`),
          ]),
          ...report.problems.map((p) => ['problem', 'every target', code(where(p, p.file)), cell(`${p.rule ? `**${p.rule}**: ` : ''}${p.message}`)]),
        ],
        maxRows,
      ),
    );
  }

  // What was verified, a column per target.
  const rows = verified.map((e) => [label(e), ...targets.map((t) => (e.targets[t] ? SYMBOL[e.targets[t].status] : '—'))]);
  const heading = `### Verified in this run (${plural(snippetsVerified, 'snippet')}, ${plural(scenariosVerified, 'scenario')})`;
  lines.push('', heading, '');
  if (rows.length === 0) lines.push('Nothing.');
  else lines.push(...folded(`${rows.length} entries: ✅ passed, ❌ failed, ⏭️ skipped (not claimed), — no run on that target`, table(['', ...targets], rows, maxRows), rows.length <= 30));

  // Skipped because the header does not claim the target.
  const skipped = verified.flatMap((e) => Object.entries(e.targets).filter(([, run]) => run.status === 'skipped').map(([target, run]) => ({ e, target, reason: run.reason ?? 'not run' })));
  if (skipped.length > 0) {
    const byReason = new Map<string, { e: Entry; targets: string[]; reason: string }>();
    for (const s of skipped) {
      const key = `${s.e.kind}\0${s.e.name}\0${s.reason}`;
      const row = byReason.get(key) ?? { e: s.e, targets: [] as string[], reason: s.reason };
      row.targets.push(s.target);
      byReason.set(key, row);
    }
    lines.push('', `### Skipped: not claimed (${byReason.size})`, '');
    lines.push(...table(['what', 'on', 'reason'], [...byReason.values()].map((r) => [label(r.e), r.targets.join(', '), cell(r.reason)]), maxRows));
  }

  // What this report does not say anything about.
  const notes: string[][] = [];
  if (options.changed) {
    const c = options.changed;
    notes.push([
      `\`verify --changed\` since ${code(c.base)}: ${c.reason}; it selected ${plural(c.snippets.length, 'snippet')} and ${plural(c.scenarios.length, 'scenario')}` +
        `${c.files.length ? ` (changed: ${c.files.slice(0, 20).map(code).join(', ')}${c.files.length > 20 ? `, and ${c.files.length - 20} more` : ''})` : ''}.`,
    ]);
    if (kept.length > 0) notes.push([`${plural(kept.length, 'entry')} of the report were not verified in this run but kept from the report already there.`]);
  }
  if (stale.length > 0) {
    notes.push([`Changed since verified, so not counted (${stale.length}): ${stale.slice(0, 50).map((e) => code(e.name)).join(', ')}${stale.length > 50 ? ', …' : ''}.`]);
  }
  if (options.library) {
    const covered = (name: string, list: { name: string; targets: Record<string, unknown> }[]) => {
      const entry = list.find((e) => e.name === name);
      return entry !== undefined && targets.every((t) => entry.targets[t]);
    };
    const missingSnippets = options.library.snippets.filter((n) => !covered(n, report.snippets));
    const missingScenarios = options.library.scenarios.filter((n) => !covered(n, report.scenarios));
    if (missingSnippets.length + missingScenarios.length > 0) {
      const names = [...missingSnippets.map((n) => `snippet ${code(n)}`), ...missingScenarios.map((n) => `scenario ${code(n)}`)];
      notes.push(
        folded(
          `Not covered: ${plural(missingSnippets.length, 'snippet')} and ${plural(missingScenarios.length, 'scenario')} have no run on every target of this report`,
          [names.slice(0, maxRows).join(', ') + (names.length > maxRows ? `, and ${names.length - maxRows} more` : '')],
          false,
        ),
      );
    }
  } else if (report.partial) {
    notes.push(['The report is partial: some snippets or scenarios of the library have no run on some target.']);
  }
  if (notes.length > 0) lines.push('', '### Not covered by this run', '', ...notes.flatMap((note) => [...note, '']));
  while (lines.at(-1) === '') lines.pop();
  return `${lines.join('\n')}\n`;
}

/**
 * The report's failures as GitHub workflow commands, one per failing entry and error (the
 * targets it failed on in the title), at the file and line of the error. Entries whose file
 * changed since they were verified are left out: they say nothing about the file as it is.
 */
export function reportAnnotations(report: Report, hashes?: Map<string, string>): string[] {
  const lines = failures(report, hashes).map((f) =>
    workflowCommand(
      'error',
      { file: f.error?.file ?? f.entry.file, line: f.error?.line, col: f.error?.column, title: `${f.error?.rule ?? 'verify'} on ${f.targets.join(', ')}` },
      `${f.entry.kind} ${f.entry.name} failed on ${f.targets.join(', ')}: ${f.message}${f.error?.hint ? `\nfix: ${f.error.hint}` : ''}`,
    ),
  );
  for (const problem of report.problems) {
    lines.push(workflowCommand('error', { file: problem.file, line: problem.line, col: problem.column, title: problem.rule ?? 'verify' }, `${problem.message}${problem.hint ? `\nfix: ${problem.hint}` : ''}`));
  }
  return lines;
}
