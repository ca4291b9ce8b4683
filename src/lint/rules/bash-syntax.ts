import { attach, bashSubjects, syntaxFindings } from '../bash/runs.ts';
import type { LintRule } from '../rule.ts';

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
