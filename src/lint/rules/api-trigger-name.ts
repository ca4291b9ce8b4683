import type { Finding } from '../diagnostic.ts';
import type { LintRule } from '../rule.ts';
import { asNode, nameParts, stringConstant, walk } from '../sql/ast.ts';
import { isParameterText } from '../sql/parse.ts';

/**
 * api-trigger-name: a trigger name or LIKE pattern, compared with `tgname`, that mentions
 * pg_tviews but matches none of the triggers it installs. The plan's `LIKE 'pg_tviews_%'`
 * is the case in point: the real triggers are `trg_tview_row_…` and `trg_tview_flush_…`, so
 * a loop over that pattern silently does nothing.
 */

/** The documented shape of pg_tviews' per-table trigger names. */
const TRIGGER_SHAPE = /^trg_tview_(row|flush)_[a-z0-9_]+_on_[a-z0-9_]+$/;

function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) source += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
}

export const apiTriggerNameRule: LintRule = {
  id: 'api-trigger-name',
  description: "a trigger name or pattern compared with tgname that mentions pg_tviews but matches none of its triggers (e.g. LIKE 'pg_tviews_%')",
  hint: "pg_tviews' triggers are trg_tview_row_<entity>_on_<schema>_<table> and trg_tview_flush_<entity>_on_<schema>_<table>: match 'trg_tview_%'",
  severity: 'error',
  usesApi: true,
  check({ sql }, { api }) {
    const known = [...api.snapshot.fixtureTriggers.map((t) => t.name)];
    const findings: Finding[] = [];
    for (const statement of sql?.statements ?? []) {
      walk(statement.node, ({ type, fields }) => {
        if (type !== 'A_Expr') return;
        const left = asNode(fields.lexpr);
        if (left?.type !== 'ColumnRef' || nameParts(left.fields.fields).at(-1) !== 'tgname') return;
        const operator = nameParts(fields.name)[0];
        const like = fields.kind === 'AEXPR_LIKE' || fields.kind === 'AEXPR_ILIKE';
        const equality = (fields.kind === 'AEXPR_OP' && operator === '=') || fields.kind === 'AEXPR_IN';
        if (!like && !equality) return;
        const values = Array.isArray(asNode(fields.rexpr)?.fields.items) ? asNode(fields.rexpr)!.fields.items : [fields.rexpr];
        for (const value of values) {
          const text = stringConstant(value);
          if (text === undefined || isParameterText(text) || !/tview/i.test(text)) continue;
          const matches = like
            ? known.some((name) => likeToRegExp(text, fields.kind === 'AEXPR_ILIKE').test(name))
            : known.includes(text) || TRIGGER_SHAPE.test(text) || ['pg_tview_meta_changed', 'pg_tview_meta_rebind'].includes(text);
          if (matches) continue;
          const { line, column } = statement.at(asNode(value)?.fields.location ?? fields.location);
          findings.push({ line, column, message: `'${text}' matches no trigger pg_tviews installs (they are named like ${known[0] ?? 'trg_tview_row_<entity>_on_<schema>_<table>'})` });
        }
      });
    }
    return findings;
  },
};
