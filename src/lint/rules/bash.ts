import { bashSyntaxCheck, shellcheck, type ToolFinding } from '../bash/tools.ts';
import type { FindingFor, LintRule, LintSubject } from '../rule.ts';

function bashSubjects(subjects: LintSubject[]): Map<string, LintSubject> {
  return new Map(subjects.filter((s) => s.snippet.language === 'bash').map((s) => [s.snippet.file, s]));
}

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
    const byFile = bashSubjects(subjects);
    return attach(await bashSyntaxCheck([...byFile.keys()]), byFile, () => 'error');
  },
};

/** shellcheck: ShellCheck's findings; its errors and warnings fail lint, info and style notes do not. */
export const shellcheckRule: LintRule = {
  id: 'shellcheck',
  description: 'ShellCheck findings in a bash snippet (error and warning levels fail; info and style are warnings)',
  hint: 'follow the advice of the ShellCheck code in the message (its wiki page explains it)',
  severity: 'error',
  async checkAll(subjects) {
    const byFile = bashSubjects(subjects);
    return attach(
      await shellcheck([...byFile.keys()]),
      byFile,
      (f) => (f.level === 'error' || f.level === 'warning' ? 'error' : 'warning'),
      (f) => `see https://www.shellcheck.net/wiki/SC${f.code}; add '# shellcheck disable=SC${f.code}' above the line only if the advice is wrong here`,
    );
  },
};
