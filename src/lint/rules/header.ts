import type { LintRule } from '../rule.ts';

/** header: the metadata header is missing, is not YAML, or does not match the schema. */
export const headerRule: LintRule = {
  id: 'header',
  description: 'the metadata header is missing, malformed YAML, or breaks the header schema',
  hint: "fix the field named in the message (see src/snippets/header.ts); 'runbooks new snippet <area/name>' writes a valid header",
  severity: 'error',
  check({ snippet }) {
    return snippet.headerProblems.map((problem) => ({ line: problem.line, column: problem.column, message: problem.message }));
  },
};
