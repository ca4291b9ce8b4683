import type { FindingFor, LintSubject } from '../rule.ts';
import { bashSyntaxCheck, type ToolFinding } from './tools.ts';

/** What the bash-syntax and shellcheck rules share: the bash snippets, one bash -n run, findings to report. */

export function bashSubjects(subjects: LintSubject[]): Map<string, LintSubject> {
  return new Map(subjects.filter((s) => s.snippet.language === 'bash').map((s) => [s.snippet.file, s]));
}

/**
 * One `bash -n` run per lint run, shared by both rules: shellcheck's own parse errors
 * (SC1xxx) repeat what bash -n says about a file that does not parse, so they are dropped
 * for those files.
 */
const syntaxRuns = new WeakMap<LintSubject[], Promise<ToolFinding[]>>();

export function syntaxFindings(subjects: LintSubject[]): Promise<ToolFinding[]> {
  let run = syntaxRuns.get(subjects);
  if (!run) {
    run = bashSyntaxCheck([...bashSubjects(subjects).keys()]);
    syntaxRuns.set(subjects, run);
  }
  return run;
}

export const isShellcheckParseError = (code: number | undefined): boolean => code !== undefined && code >= 1000 && code < 1200;

export function attach(findings: ToolFinding[], byFile: Map<string, LintSubject>, severityOf: (f: ToolFinding) => 'error' | 'warning', hintOf?: (f: ToolFinding) => string): FindingFor[] {
  return findings.map((f) => ({ snippet: byFile.get(f.file)?.snippet, line: f.line, column: f.column, message: f.message, severity: severityOf(f), hint: hintOf?.(f) }));
}
