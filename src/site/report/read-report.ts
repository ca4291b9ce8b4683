import { readFileSync, statSync } from 'node:fs';
import { reportSchema, type Report } from '../../report/schema.ts';

/**
 * Reads reports/verify.json for the site. The site never fails on a missing report by itself:
 * it records why there is no report, and whoever asks about a snippet decides (the strict
 * build refuses, `astro dev` shows a red badge).
 */

export type ReportState =
  | { kind: 'ok'; file: string; report: Report }
  | { kind: 'absent'; file: string }
  | { kind: 'invalid'; file: string; problems: string[] };

const cache = new Map<string, { mtimeMs: number; size: number; state: ReportState }>();

export function readReport(file: string): ReportState {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    cache.delete(file);
    return { kind: 'absent', file };
  }
  // `astro dev` re-renders pages while `runbooks verify` rewrites the report: reread on change.
  const cached = cache.get(file);
  if (cached && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) return cached.state;
  const state = parseReport(readFileSync(file, 'utf8'), file);
  cache.set(file, { mtimeMs: stats.mtimeMs, size: stats.size, state });
  return state;
}

export function parseReport(text: string, file: string): ReportState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', file, problems: [`not JSON: ${(error as Error).message}`] };
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    return {
      kind: 'invalid',
      file,
      problems: parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`),
    };
  }
  return { kind: 'ok', file, report: parsed.data };
}
