import { bashSyntaxCheck, shellcheck, type ToolFinding } from '../bash/tools.ts';
import type { FindingFor, LintRule, LintSubject } from '../rule.ts';

function bashSubjects(subjects: LintSubject[]): Map<string, LintSubject> {
  return new Map(subjects.filter((s) => s.snippet.language === 'bash').map((s) => [s.snippet.file, s]));
}

/**
 * One `bash -n` run per lint run, shared by both rules: shellcheck's own parse errors
 * (SC1xxx) repeat what bash -n says about a file that does not parse, so they are dropped
 * for those files.
 */
const syntaxRuns = new WeakMap<LintSubject[], Promise<ToolFinding[]>>();

function syntaxFindings(subjects: LintSubject[]): Promise<ToolFinding[]> {
  let run = syntaxRuns.get(subjects);
  if (!run) {
    run = bashSyntaxCheck([...bashSubjects(subjects).keys()]);
    syntaxRuns.set(subjects, run);
  }
  return run;
}

const SHELLCHECK_PARSE_ERRORS = (code: number | undefined) => code !== undefined && code >= 1000 && code < 1200;

function attach(findings: ToolFinding[], byFile: Map<string, LintSubject>, severityOf: (f: ToolFinding) => 'error' | 'warning', hintOf?: (f: ToolFinding) => string): FindingFor[] {
  return findings.map((f) => ({ snippet: byFile.get(f.file)?.snippet, line: f.line, column: f.column, message: f.message, severity: severityOf(f), hint: hintOf?.(f) }));
}

/** bash-syntax: `bash -n` rejects the script. */
export const bashSyntaxRule: LintRule = {
  id: 'bash-syntax',
  description: 'a bash snippet that bash -n cannot parse',
  hint: 'fix the shell syntax at that line (bash -n <file> shows the same message)',
  severity: 'error',
  async checkAll(subjects) {
    return attach(await syntaxFindings(subjects), bashSubjects(subjects), () => 'error');
  },
};

/** shellcheck: ShellCheck's findings. Info level fails too: it holds SC2086, unquoted expansions, which matter in scripts run at 3 a.m. */
export const shellcheckRule: LintRule = {
  id: 'shellcheck',
  description: 'ShellCheck findings in a bash snippet (error, warning and info levels fail; style notes are warnings)',
  hint: 'follow the advice of the ShellCheck code in the message (its wiki page explains it)',
  severity: 'error',
  async checkAll(subjects) {
    const byFile = bashSubjects(subjects);
    const [findings, syntax] = await Promise.all([shellcheck([...byFile.keys()]), syntaxFindings(subjects)]);
    const unparsable = new Set(syntax.map((f) => f.file));
    return attach(
      findings.filter((f) => !(unparsable.has(f.file) && SHELLCHECK_PARSE_ERRORS(f.code))),
      byFile,
      (f) => (f.level === 'style' ? 'warning' : 'error'),
      (f) => `see https://www.shellcheck.net/wiki/SC${f.code}; add '# shellcheck disable=SC${f.code}' above the line only if the advice is wrong here`,
    );
  },
};
