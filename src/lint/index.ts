import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { TargetSnapshotFile } from '../api/live.ts';
import type { ApiSnapshot } from '../api/snapshot.ts';
import { claimedTargets } from '../config/claims.ts';
import { loadTargets, type Target } from '../config/targets.ts';
import { EnvironmentError } from '../errors/index.ts';
import { findSnippetFiles, loadSnippet, snippetName, type Snippet } from '../snippets/snippet.ts';
import { indexSnapshot } from './api/catalog.ts';
import { embeddedPsqlText } from './bash/embedded-sql.ts';
import { compareDiagnostics, type Diagnostic, type Finding } from './diagnostic.ts';
import type { FindingFor, LintContext, LintRule, LintSubject } from './rule.ts';
import { lintRules } from './rules/index.ts';
import { readRunbookReferences } from './runbook-references.ts';
import { analyzeSql, loadSqlParser } from './sql/parse.ts';

/**
 * Level 1 of verification: everything that can be judged without a database. The verifier
 * calls lintSnippets first; `runbooks lint` calls lintPaths.
 */

export type { Diagnostic } from './diagnostic.ts';
export { formatDiagnostic } from './diagnostic.ts';
export type { LintContext, LintRule } from './rule.ts';
export { lintRules } from './rules/index.ts';
export { deriveSafety, type DerivedSafety, type SafetyReason } from './safety.ts';
export { extractSnippetReferences, type RunbookReference } from './runbook-references.ts';

/** Runs every rule over the snippets. A rule that fails internally yields an `internal-error` diagnostic; the others go on. */
export async function lintSnippets(snippets: Snippet[], context: LintContext, rules: readonly LintRule[] = lintRules): Promise<Diagnostic[]> {
  // SQL snippets are SQL; bash snippets are linted for the SQL they hand to psql.
  const sqlTexts = snippets.map((snippet) => (snippet.language === 'sql' ? snippet.text : embeddedPsqlText(snippet.text)));
  await loadSqlParser();
  const subjects: LintSubject[] = snippets.map((snippet, i) => ({ snippet, sql: sqlTexts[i] === undefined ? undefined : analyzeSql(sqlTexts[i]) }));
  const diagnostics: Diagnostic[] = [];
  const emit = (rule: LintRule, file: string, finding: Finding) =>
    diagnostics.push({
      file,
      line: finding.line,
      column: finding.column,
      rule: finding.rule ?? rule.id,
      severity: finding.severity ?? rule.severity,
      message: finding.message,
      hint: finding.hint ?? rule.hint,
      ...(finding.targets ? { targets: finding.targets } : {}),
    });
  const internalError = (rule: LintRule, file: string, error: unknown) =>
    diagnostics.push({ file, line: 1, column: 1, rule: 'internal-error', severity: 'error', message: `rule ${rule.id} failed: ${(error as Error).message}`, hint: 'report this as a bug in the lint rule, with the snippet' });

  const wholeSet = rules.filter((rule) => rule.checkAll).map(async (rule) => {
    try {
      const findings: FindingFor[] = await rule.checkAll!(subjects, context);
      for (const finding of findings) emit(rule, finding.file ?? finding.snippet?.relativeFile ?? '?', finding);
    } catch (error) {
      if (error instanceof EnvironmentError) throw error; // a missing tool stops the run: exit 2
      internalError(rule, subjects[0]?.snippet.relativeFile ?? '?', error);
    }
  });
  for (const subject of subjects) {
    for (const rule of rules) {
      if (!rule.check) continue;
      try {
        const findings = rule.usesApi ? checkOnEachTarget(rule, subject, context) : rule.check(subject, context);
        for (const finding of findings) emit(rule, finding.file ?? subject.snippet.relativeFile, finding);
      } catch (error) {
        internalError(rule, subject.snippet.relativeFile, error);
      }
    }
  }
  await Promise.all(wholeSet);
  return diagnostics.sort(compareDiagnostics);
}

/**
 * Runs an API rule against the snapshot of every target the snippet claims. Targets usually
 * agree, and then a finding is reported once; one found on some targets only says which.
 */
function checkOnEachTarget(rule: LintRule, subject: LintSubject, context: LintContext): Finding[] {
  const claimed = new Set(claimedTargets(subject.snippet.header?.targets, context.targets.map((t) => t.target)).map((t) => t.id));
  const checked = context.targets.filter((t) => claimed.has(t.target.id));
  const found = new Map<string, { finding: Finding; targets: string[] }>();
  for (const { target, api } of checked) {
    for (const finding of rule.check!(subject, { ...context, api })) {
      const key = `${finding.line}:${finding.column}:${finding.message}`;
      const entry = found.get(key) ?? { finding, targets: [] };
      entry.targets.push(target.id);
      found.set(key, entry);
    }
  }
  return [...found.values()].map(({ finding, targets }) =>
    targets.length === checked.length ? finding : { ...finding, message: `${finding.message} (on ${targets.join(', ')})`, targets },
  );
}

export interface ProjectLayout {
  projectRoot: string;
  snippetsRoot: string;
  contentRoot: string;
  /** The committed API snapshot of each target (src/api/snapshots/<target>.json), the primary one first. */
  snapshots: TargetSnapshotFile[];
  /** The targets, when not those of targets.env (tests). */
  targets?: Target[];
}

const RUNBOOK_EXTENSIONS = new Set(['.mdx', '.md']);

async function isDirectory(entry: string): Promise<boolean> {
  return (await stat(entry)).isDirectory();
}

async function exists(entry: string): Promise<boolean> {
  return stat(entry).then(() => true, () => false);
}

/** Every .md/.mdx file under the given files and folders. */
async function findRunbookFiles(paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const entry of paths) {
    const resolved = path.resolve(entry);
    if (!(await isDirectory(resolved))) {
      if (RUNBOOK_EXTENSIONS.has(path.extname(resolved))) found.push(resolved);
      continue;
    }
    for (const child of await readdir(resolved, { recursive: true, withFileTypes: true })) {
      if (child.isFile() && RUNBOOK_EXTENSIONS.has(path.extname(child.name))) found.push(path.join(child.parentPath, child.name));
    }
  }
  return [...new Set(found)].sort();
}

export async function loadApiSnapshot(file: string): Promise<ApiSnapshot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new EnvironmentError(`the API snapshot ${file} is missing: run 'runbooks api-snapshot' to record it`);
  }
  return JSON.parse(text) as ApiSnapshot;
}

/**
 * Builds the context for linting `paths`: the API snapshot, every snippet name under
 * snippets/ (a reference must resolve against all of them), the `::snippet` references of
 * every runbook under content/ (a snippet must be used by one), and which runbooks' own
 * references to check: those given, or every runbook under content/ when none are given.
 */
export async function createLintContext(layout: ProjectLayout, runbookFilesToCheck?: string[]): Promise<LintContext> {
  const targets = layout.targets ?? loadTargets().all;
  const [snapshots, catalogue, contentFiles] = await Promise.all([
    Promise.all(
      targets.map(async (target) => {
        const file = layout.snapshots.find((s) => s.target === target.id)?.file;
        if (!file) throw new EnvironmentError(`no API snapshot for target ${target.id}: run 'runbooks api-snapshot --target ${target.id}'`);
        return { target, api: indexSnapshot(await loadApiSnapshot(file)) };
      }),
    ),
    (await exists(layout.snippetsRoot)) ? findSnippetFiles([layout.snippetsRoot]) : Promise.resolve([]),
    (await exists(layout.contentRoot)) ? findRunbookFiles([layout.contentRoot]) : Promise.resolve([]),
  ]);
  const toCheck = runbookFilesToCheck ?? contentFiles;
  const allRunbooks = [...new Set([...contentFiles, ...toCheck])];
  const pages = await readRunbookReferences(allRunbooks, layout.projectRoot);
  const checked = new Set(toCheck.map((f) => path.relative(layout.projectRoot, f)));
  return {
    api: snapshots[0].api,
    targets: snapshots,
    knownSnippetNames: new Set(catalogue.map((file) => snippetName(file, layout.snippetsRoot))),
    runbookReferences: pages.flatMap((page) => page.references),
    checkReferencesIn: checked,
    snippetsRoot: layout.snippetsRoot,
    projectRoot: layout.projectRoot,
  };
}

/** Lints snippet files and runbooks found under `paths` (files or folders). Missing paths throw. */
export async function lintPaths(paths: string[], layout: ProjectLayout): Promise<{ diagnostics: Diagnostic[]; snippets: number; runbooks: number }> {
  for (const entry of paths) {
    if (!(await exists(entry))) throw new Error(`no such file or folder: ${entry}`);
  }
  const [snippetFiles, runbookFiles] = await Promise.all([findSnippetFiles(paths), findRunbookFiles(paths)]);
  const options = { projectRoot: layout.projectRoot, snippetsRoot: layout.snippetsRoot };
  const [loaded, context] = await Promise.all([
    Promise.allSettled(snippetFiles.map((file) => loadSnippet(file, options))),
    createLintContext(layout, runbookFiles),
  ]);
  // A file that cannot be read is reported like any other problem; the others are linted.
  const unreadable: Diagnostic[] = loaded.flatMap((result, i) =>
    result.status === 'rejected'
      ? [{ file: path.relative(layout.projectRoot, snippetFiles[i]), line: 1, column: 1, rule: 'read-error', severity: 'error' as const, message: `cannot read the file: ${(result.reason as Error).message}`, hint: 'make the file readable, or remove it (a dangling link, a folder named like a snippet)' }]
      : [],
  );
  const snippets = loaded.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const diagnostics = [...unreadable, ...(await lintSnippets(snippets, context))].sort(compareDiagnostics);
  return { diagnostics, snippets: snippetFiles.length, runbooks: runbookFiles.length };
}
