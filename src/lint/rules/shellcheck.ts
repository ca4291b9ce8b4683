import { attach, bashSubjects, isShellcheckParseError, syntaxFindings } from '../bash/runs.ts';
import { shellcheck } from '../bash/tools.ts';
import type { LintRule } from '../rule.ts';

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
      findings.filter((f) => !(unparsable.has(f.file) && isShellcheckParseError(f.code))),
      byFile,
      (f) => (f.level === 'style' ? 'warning' : 'error'),
      (f) => `see https://www.shellcheck.net/wiki/SC${f.code}; add '# shellcheck disable=SC${f.code}' above the line only if the advice is wrong here`,
    );
  },
};
