import type { ApiCatalog } from './api/catalog.ts';
import type { Target } from '../config/targets.ts';
import type { Finding, Severity } from './diagnostic.ts';
import type { SqlAnalysis } from './sql/parse.ts';
import type { Snippet } from '../snippets/snippet.ts';
import type { RunbookReference } from './runbook-references.ts';

/**
 * A lint rule: one documented id, one job, one-line fix hint. Per-snippet rules implement
 * `check`; rules about the whole set (unique names, references between runbooks and snippets,
 * tools run once over many files) implement `checkAll`.
 */

export interface LintSubject {
  snippet: Snippet;
  /**
   * The parsed SQL, computed once and shared by every rule: a .sql snippet's text, or the SQL
   * a bash snippet hands to psql (laid out at its positions in the script).
   */
  sql?: SqlAnalysis;
}

export interface LintContext {
  /** The API of the target being checked: a rule that reads it sets `usesApi`, and runs once per target the snippet claims. */
  api: ApiCatalog;
  /** Every target, the primary one first, with its API. */
  targets: { target: Target; api: ApiCatalog }[];
  /**
   * `::snippet` references found in runbooks. When undefined (no runbooks were read), the
   * rules about references are not run.
   */
  runbookReferences?: RunbookReference[];
  /** Runbooks (relative paths) whose references are checked; undefined: all of them. */
  checkReferencesIn?: Set<string>;
  /** Names of every snippet under snippets/ (resolving references needs all, not only those linted). */
  knownSnippetNames?: Set<string>;
  /** Absolute path of snippets/: only files in it are catalogue snippets with `area/name` names. */
  snippetsRoot: string;
  projectRoot: string;
}

export interface LintRule {
  id: string;
  /** What the rule catches, for `runbooks lint --rules` and the docs. */
  description: string;
  hint: string;
  severity: Severity;
  /** Reads `context.api`: checked against the snapshot of each target the snippet claims. */
  usesApi?: boolean;
  check?(subject: LintSubject, context: LintContext): Finding[];
  checkAll?(subjects: LintSubject[], context: LintContext): Promise<FindingFor[]> | FindingFor[];
}

/** A finding from a whole-set rule names the snippet it belongs to (or a file, for runbooks). */
export interface FindingFor extends Finding {
  snippet?: Snippet;
}
