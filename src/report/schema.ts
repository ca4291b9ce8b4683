import { z } from 'zod';

/**
 * reports/verify.json: what `runbooks verify` found. The site reads only this file (plus the
 * snippet files themselves for their text and header). docs/report-schema.md describes it
 * for people; this zod schema is the executable form, and a test keeps the two together.
 * Additive changes keep schemaVersion; anything else increments it.
 */

export const REPORT_SCHEMA_VERSION = 2;

export const statusSchema = z.enum(['passed', 'failed', 'skipped']);
export type Status = z.infer<typeof statusSchema>;

export const locatedErrorSchema = z
  .object({
    message: z.string(),
    file: z.string(),
    line: z.number().int().min(1).optional(),
    column: z.number().int().min(1).optional(),
    /** The lint rule or verification check that raised it. */
    rule: z.string().optional(),
    hint: z.string().optional(),
  })
  .strict();

export const checkSchema = z
  .object({
    /** e.g. `header`, `sql-parse`, `shellcheck`, `api-reference`, `safety`, `dry-run`, `expect-columns`. */
    name: z.string(),
    status: statusSchema,
    message: z.string().optional(),
  })
  .strict();

export const derivedSafetySchema = z
  .object({
    class: z.enum(['read-only', 'writes', 'destructive']),
    /** Statements that cannot run inside a transaction block (VACUUM, CREATE INDEX CONCURRENTLY…). */
    nonTransactional: z.boolean(),
  })
  .strict();

export const resultSetSchema = z
  .object({
    columns: z.array(z.string()),
    rows: z.array(z.array(z.string().nullable())),
    /** True when rows were cut to keep the report small; rowCount is still the full count. */
    truncated: z.boolean(),
    rowCount: z.number().int().min(0),
  })
  .strict();

/** One snippet on one target. */
export const snippetRunSchema = z
  .object({
    status: statusSchema,
    /** Why it was skipped: the snippet's `targets` claim leaves this target out, with its reason. */
    reason: z.string().optional(),
    checks: z.array(checkSchema),
    durationMs: z.number().min(0),
    /** How the dry run was isolated: `read-only-transaction`, `rolled-back-transaction`, `disposable-database`, `sandbox`. */
    isolation: z.string().optional(),
    /** Output of the dry run with the header's parameter values (stdout, then notices). */
    output: z.string().optional(),
    results: z.array(resultSetSchema).optional(),
    error: locatedErrorSchema.optional(),
  })
  .strict();

export const snippetEntrySchema = z
  .object({
    name: z.string(),
    file: z.string(),
    language: z.enum(['sql', 'bash']),
    /** sha256 of the file as verified; a different hash now means the entry is stale. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    title: z.string().optional(),
    declaredSafety: z.enum(['read-only', 'writes', 'destructive']).optional(),
    derivedSafety: derivedSafetySchema.optional(),
    /** Over the targets it claims: failed if it failed on one, passed if it passed on all, else skipped. */
    status: statusSchema,
    /** One run per target of the report, keyed by target id. */
    targets: z.record(z.string(), snippetRunSchema),
  })
  .strict();

export const scenarioStepSchema = z
  .object({
    description: z.string(),
    status: statusSchema,
    snippet: z.string().optional(),
    durationMs: z.number().min(0),
    message: z.string().optional(),
  })
  .strict();

/** One scenario on one target. */
export const scenarioRunSchema = z
  .object({
    status: statusSchema,
    reason: z.string().optional(),
    durationMs: z.number().min(0),
    steps: z.array(scenarioStepSchema),
    error: locatedErrorSchema.optional(),
  })
  .strict();

export const scenarioEntrySchema = z
  .object({
    name: z.string(),
    file: z.string(),
    title: z.string(),
    /** The runbook it proves, as its content path without extension (`01-health-monitoring/tview-health-check`). */
    runbook: z.string(),
    /** Snippets it runs: a change to one of them re-runs the scenario under --changed. */
    snippets: z.array(z.string()),
    status: statusSchema,
    targets: z.record(z.string(), scenarioRunSchema),
  })
  .strict();

const countsSchema = z.object({ passed: z.number().int(), failed: z.number().int(), skipped: z.number().int() }).strict();

/** A target as verified: what the server really ran, which may differ from targets.env for the url provider. */
export const reportTargetSchema = z
  .object({
    id: z.string(),
    /** The primary target of targets.env: the newest pg_tviews on the newest PostgreSQL. */
    primary: z.boolean(),
    postgres: z.string(),
    pgTviews: z.string(),
    provider: z.enum(['local', 'docker', 'url']),
    summary: z.object({ snippets: countsSchema, scenarios: countsSchema, durationMs: z.number().min(0) }).strict(),
  })
  .strict();

export const reportSchema = z
  .object({
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    generatedAt: z.iso.datetime(),
    environment: z
      .object({
        commit: z.string().nullable(),
        /** True when the working tree had uncommitted changes. */
        dirty: z.boolean(),
        node: z.string(),
      })
      .strict(),
    /** The targets verified, the primary one first. */
    targets: z.array(reportTargetSchema).min(1),
    /** True when only part of the library was verified (--only, --changed, --shard). */
    partial: z.boolean(),
    summary: z
      .object({ snippets: countsSchema, scenarios: countsSchema, durationMs: z.number().min(0) })
      .strict(),
    snippets: z.array(snippetEntrySchema),
    scenarios: z.array(scenarioEntrySchema),
    /** Errors that belong to no snippet or scenario, e.g. a runbook embedding a snippet that does not exist. */
    problems: z.array(locatedErrorSchema).default([]),
  })
  .strict();

export type Report = z.infer<typeof reportSchema>;
export type ReportTarget = z.infer<typeof reportTargetSchema>;
export type SnippetEntry = z.infer<typeof snippetEntrySchema>;
export type SnippetRun = z.infer<typeof snippetRunSchema>;
export type ScenarioEntry = z.infer<typeof scenarioEntrySchema>;
export type ScenarioRun = z.infer<typeof scenarioRunSchema>;
export type LocatedError = z.infer<typeof locatedErrorSchema>;
export type Check = z.infer<typeof checkSchema>;
export type ResultSet = z.infer<typeof resultSetSchema>;

/** Status over the runs of the targets an entry claims (the others are skipped with a reason). */
export function overallStatus(runs: { status: Status; reason?: string }[]): Status {
  const claimed = runs.filter((r) => !(r.status === 'skipped' && r.reason));
  if (claimed.some((r) => r.status === 'failed')) return 'failed';
  if (claimed.length > 0 && claimed.every((r) => r.status === 'passed')) return 'passed';
  return 'skipped';
}
