/**
 * What lint reports. A diagnostic always names a file and a 1-based line and column, so an
 * editor or a person can jump to it, and carries the one-line fix hint of its rule.
 */

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Path as given to the user (relative to the project root where possible). */
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: Severity;
  message: string;
  hint: string;
  /** Only on these targets (an API finding some targets' snapshots do not share); absent: on every target. */
  targets?: string[];
}

/** What a rule returns; the runner fills in the rule id, default severity and hint. */
export interface Finding {
  /** Defaults to the snippet's file. Set for findings in runbooks (MDX). */
  file?: string;
  line: number;
  column: number;
  message: string;
  hint?: string;
  severity?: Severity;
  targets?: string[];
  /** Overrides the rule id, for a rule that reports a tool's own rules (`squawk/<rule>`). */
  rule?: string;
}

/** `file:line:col  rule  message` and, indented below it, the fix hint. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const where = `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`;
  const severity = diagnostic.severity === 'warning' ? 'warning: ' : '';
  return `${where}  ${diagnostic.rule}  ${severity}${diagnostic.message}\n    fix: ${diagnostic.hint}`;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule);
}
