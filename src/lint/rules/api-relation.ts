import { isPgTviewsReference } from '../api/catalog.ts';
import { didYouMean, suggestionText } from '../api/did-you-mean.ts';
import type { Finding } from '../diagnostic.ts';
import type { LintRule } from '../rule.ts';
import { walk } from '../sql/ast.ts';

/** api-relation: a pg_tviews table or view (or schema) that the installed extension does not have. */
export const apiRelationRule: LintRule = {
  id: 'api-relation',
  description: 'a pg_tviews table, view or schema that does not exist (checked against the API snapshot)',
  hint: "use a relation the installed pg_tviews has ('\\dt tviews.*' and '\\dv tviews.*' list them)",
  severity: 'error',
  usesApi: true,
  check({ sql }, { api }) {
    const findings: Finding[] = [];
    const home = api.snapshot.schema;
    for (const statement of sql?.statements ?? []) {
      const cteNames = new Set<string>();
      walk(statement.node, ({ type, fields }) => {
        if (type === 'CommonTableExpr') cteNames.add(fields.ctename);
      });
      walk(statement.node, ({ type, fields }) => {
        if (type !== 'RangeVar') return;
        const name: string = fields.relname;
        const schema: string | undefined = fields.schemaname;
        if (!isPgTviewsReference(api, schema, name) || (schema === undefined && cteNames.has(name))) return;
        const { line, column } = statement.at(fields.location);
        const suggestions = suggestionText(didYouMean(name, api.relations.keys()));
        if (schema !== undefined && schema !== home) {
          findings.push({ line, column, message: `pg_tviews has no schema '${schema}': its objects live in schema '${home}'${api.relations.has(name) ? `; use ${home}.${name}` : suggestions}` });
        } else if (api.functions.has(name)) {
          findings.push({ line, column, message: `${name} is a function, not a table or view: write FROM ${home}.${name}(…)` });
        } else if (!api.relations.has(name)) {
          findings.push({ line, column, message: `pg_tviews ${api.snapshot.version} has no table or view ${name}${suggestions || suggestionText(didYouMean(name, api.functions.keys()))}` });
        }
      });
    }
    return findings;
  },
};
