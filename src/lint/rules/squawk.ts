import { lineStarts } from '../../snippets/psql-script.ts';
import { embeddedPsqlText } from '../bash/embedded-sql.ts';
import type { Finding } from '../diagnostic.ts';
import { createdTables, LOCK_GUARD_HINT, lockGuard, missingGuard, statementOffset, statementRelation } from '../locks.ts';
import type { FindingFor, LintContext, LintRule, LintSubject } from '../rule.ts';
import { maskPsqlScript, type ParsedStatement } from '../sql/parse.ts';
import { runSquawk, type SquawkFinding } from '../sql/squawk.ts';

/**
 * squawk's findings as lint diagnostics, `squawk/<rule>`, at the snippet's own lines, with the
 * project's rules for when they hold:
 *
 * - lock hazards (LOCK_RULES: a plain CREATE INDEX, REINDEX, DROP INDEX, a column type change,
 *   a constraint validated under lock…) are errors unless the snippet guards the statement
 *   (lint/locks.ts: lock_timeout before it and a declared reason), or the table is one the
 *   snippet created itself;
 * - what squawk bans because it drops or disables something (DESTRUCTIVE_RULES) is what the
 *   project's derived safety calls destructive: allowed in a snippet declared `destructive`
 *   (which says what it changes and how to undo it), an error in any other;
 * - require-lock-timeout, for statements that take a lock only briefly, is a warning;
 * - any other rule, including ones a later squawk adds, is an error with squawk's advice.
 *
 * squawk reads the text psql would send: meta-commands blanked and psql variables replaced by
 * stand-ins (src/lint/sql/parse.ts maskPsqlScript), the SQL of a bash snippet at its place in
 * the script. It cannot see inside DO blocks; the project's own rules cover those statements.
 */

export const LOCK_RULES = new Set([
  'require-concurrent-index-creation',
  'require-concurrent-index-deletion',
  'require-concurrent-reindex',
  'changing-column-type',
  'constraint-missing-not-valid',
  'adding-foreign-key-constraint',
  'disallowed-unique-constraint',
  'adding-not-nullable-field',
  'adding-field-with-default',
  'adding-serial-primary-key-field',
  'adding-required-field',
  'ban-alter-domain-with-add-constraint',
]);

export const DESTRUCTIVE_RULES = new Set([
  'ban-drop-table',
  'ban-drop-column',
  'ban-drop-constraint',
  'ban-drop-database',
  'ban-drop-schema',
  'ban-drop-extension',
  'ban-drop-view',
  'ban-drop-function',
  'ban-drop-type',
  'ban-drop-sequence',
  'ban-drop-index',
  'ban-drop-trigger',
  'ban-drop-domain',
]);

export const WARNING_RULES = new Set(['require-lock-timeout']);

/** What squawk found in one snippet, and whether it could read it. */
export interface SquawkResult {
  findings: SquawkFinding[];
  /** The statement each finding belongs to (script statements only), by finding. */
  statementOf(finding: SquawkFinding): ParsedStatement | undefined;
}

function sqlTextOf(subject: LintSubject): string | undefined {
  if (!subject.sql) return undefined;
  return subject.snippet.language === 'sql' ? subject.snippet.text : embeddedPsqlText(subject.snippet.text);
}

/** The oldest PostgreSQL of the targets: what every snippet must be safe on. */
function pgVersion(context: LintContext): string {
  const majors = context.targets.map((t) => t.target.postgresMajor);
  return `${majors.length ? Math.min(...majors) : 16}.0`;
}

/**
 * One squawk run per lint run, shared by the rules that need it: this one, and the project's
 * own rules, which stand aside for a statement squawk already reports on.
 */
const runs = new WeakMap<LintSubject[], Promise<Map<string, SquawkResult>>>();

export function squawkResults(subjects: LintSubject[], context: LintContext): Promise<Map<string, SquawkResult>> {
  let run = runs.get(subjects);
  if (!run) {
    run = analyse(subjects, context);
    runs.set(subjects, run);
  }
  return run;
}

async function analyse(subjects: LintSubject[], context: LintContext): Promise<Map<string, SquawkResult>> {
  const texts = new Map<string, string>();
  const bySubject = new Map<string, { subject: LintSubject; text: string }>();
  for (const subject of subjects) {
    const text = sqlTextOf(subject);
    if (text === undefined || !subject.sql || subject.sql.statements.length === 0) continue;
    texts.set(subject.snippet.file, maskPsqlScript(text, subject.sql.scan));
    bySubject.set(subject.snippet.file, { subject, text });
  }
  const findings = await runSquawk(texts, { pgVersion: pgVersion(context) });
  const results = new Map<string, SquawkResult>();
  for (const [file, { subject, text }] of bySubject) {
    const starts = lineStarts(text);
    const statements = subject.sql!.statements.filter((s) => s.origin === 'script');
    const own = findings.filter((f) => f.key === file);
    results.set(file, {
      findings: own,
      statementOf(finding) {
        const offset = (starts[finding.line - 1] ?? 0) + finding.column - 1;
        return statements.find((s) => s.unit.start.offset <= offset && offset < s.unit.end);
      },
    });
  }
  return results;
}

/**
 * True when squawk reported on this statement with one of `rules` (default: any rule but the
 * warnings): the project's own rule for the same hazard then stands aside.
 */
export function reportedBySquawk(result: SquawkResult | undefined, statement: ParsedStatement, rules?: ReadonlySet<string>): boolean {
  if (!result || statement.origin !== 'script') return false;
  const counts = (rule: string) => (rules ? rules.has(rule) : !WARNING_RULES.has(rule) && rule !== 'syntax-error');
  return result.findings.some((f) => counts(f.rule) && result.statementOf(f) === statement);
}

function docs(rule: string): string {
  return `https://squawkhq.com/docs/${rule}`;
}

function mapFinding(subject: LintSubject, result: SquawkResult, finding: SquawkFinding): Finding | undefined {
  const { snippet, sql } = subject;
  const at = { line: finding.line, column: finding.column };
  const advice = finding.help ? `${finding.help.replace(/\.$/, '')} (${docs(finding.rule)})` : `see ${docs(finding.rule)}`;
  if (finding.rule === 'syntax-error') {
    // The real parser reads the file (else sql-syntax reports it): squawk's own parser differs.
    if ((sql?.syntaxErrors.length ?? 0) > 0) return undefined;
    return {
      ...at,
      severity: 'warning',
      message: `squawk cannot parse this statement (${finding.message}), so its lock and migration rules did not check this file`,
      hint: 'PostgreSQL accepts it: check the statement by hand for locks, or write it in a form squawk reads',
    };
  }
  const statement = result.statementOf(finding);
  if (LOCK_RULES.has(finding.rule)) {
    const relation = statement && statementRelation(statement);
    if (relation && createdTables(sql).has(relation)) return undefined; // nobody else uses it yet
    const guard = lockGuard(snippet, sql);
    const offset = statement ? statementOffset(statement) : Number.MAX_SAFE_INTEGER;
    if (guard.timeoutAt(offset) && guard.reasonDeclared) return undefined;
    return { ...at, message: `${finding.message.replace(/\.$/, '')}: ${missingGuard(guard, offset)}`, hint: `${LOCK_GUARD_HINT} (${docs(finding.rule)})` };
  }
  if (DESTRUCTIVE_RULES.has(finding.rule)) {
    const declared = snippet.header?.safety;
    if (!declared || declared === 'destructive') return undefined; // the header rule reports a missing header
    return {
      ...at,
      message: `${finding.message.replace(/\.$/, '')}, in a snippet declared '${declared}'`,
      hint: `declare 'safety: destructive' with 'changes' and 'undo' so the reader sees it before copying, or remove the statement (${docs(finding.rule)})`,
    };
  }
  if (WARNING_RULES.has(finding.rule)) return { ...at, severity: 'warning', message: finding.message, hint: advice };
  return { ...at, message: finding.message, hint: advice };
}

export const squawkRule: LintRule = {
  id: 'squawk',
  description:
    "squawk's lock and migration hazards in SQL (squawk/<rule>): plain CREATE INDEX, REINDEX, DROP INDEX, column type changes, constraints validated under lock… unless guarded (lock_timeout before it and the header saying what it locks); drops and disabled triggers in a snippet not declared destructive; require-lock-timeout is a warning",
  hint: "follow squawk's advice in the message (its page is linked)",
  severity: 'error',
  async checkAll(subjects, context) {
    const results = await squawkResults(subjects, context);
    const out: FindingFor[] = [];
    for (const subject of subjects) {
      const result = results.get(subject.snippet.file);
      if (!result) continue;
      for (const finding of result.findings) {
        const mapped = mapFinding(subject, result, finding);
        if (mapped) out.push({ ...mapped, rule: `squawk/${finding.rule}`, snippet: subject.snippet });
      }
    }
    return out;
  },
};
