import type { LintRule } from '../rule.ts';

/** unquoted-parameter: a declared parameter interpolated as raw text (`:name`). */
export const unquotedParameterRule: LintRule = {
  id: 'unquoted-parameter',
  description: "a parameter interpolated unquoted (:name) where :'name' (literal) or :\"name\" (identifier) is needed",
  hint: "write :'name' for a value or :\"name\" for an identifier so psql quotes it",
  severity: 'error',
  check({ snippet, sql }) {
    // A bash snippet's parameters are its command-line options, not psql variables.
    if (snippet.language !== 'sql') return [];
    const params = snippet.header?.params ?? {};
    return (sql?.scan.variables ?? [])
      // In a meta-command (\echo :entity) raw text is what the author wants to print.
      .filter((v) => v.style === 'raw' && !v.inMetaCommand && Object.hasOwn(params, v.name))
      .map((v) => {
        const quoted = params[v.name].kind === 'identifier' ? `:"${v.name}"` : `:'${v.name}'`;
        return { line: v.start.line, column: v.start.column, message: `parameter ${v.name} is interpolated unquoted: write ${quoted}` };
      });
  },
};
