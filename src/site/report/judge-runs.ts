import type { LocatedError, Status } from '../../report/schema.ts';
import { listed, targetName } from './describe.ts';
import type { NamedTarget } from './named-targets.ts';

/**
 * The verdict over an entry's runs on the targets it claims, shared by snippets and
 * scenarios: it passed on every one, or it failed on some (naming them and the first error),
 * or some claimed target has no passing run yet (naming them and the command that runs them).
 * A failure outranks a missing run: it is the more urgent news.
 */

/** What a snippet or scenario run has in common. */
export interface Run {
  status: Status;
  error?: LocatedError;
}

/** Targets an entry's claim leaves out, and why. */
export interface NotClaimed {
  targets: NamedTarget[];
  reason: string;
}

/** Where a verified entry passed, and where it does not apply. */
export interface Coverage {
  passed: NamedTarget[];
  notClaimed?: NotClaimed;
}

export interface Wording<R extends Run> {
  /** `verification failed` or `scenario failed`, followed by ` on <targets>`. */
  failed: string;
  /** `verification skipped it` or `the scenario was skipped`, followed by ` on <targets>`. */
  skipped: string;
  /** Why a claimed run was skipped, when the run says (a check's message, an error). */
  skipDetail: (run: R) => string | undefined;
  /** `reports/verify.json`, as messages name it. */
  reportFile: string;
}

export type RunsVerdict = { status: 'passed'; passed: NamedTarget[] } | { status: 'failed' | 'unverified'; reason: string };

export function judgeRuns<R extends Run>(claimed: NamedTarget[], runs: Record<string, R | undefined>, wording: Wording<R>): RunsVerdict {
  const names = (targets: NamedTarget[]) => listed(targets.map(targetName));
  const failed = claimed.filter((target) => runs[target.id]?.status === 'failed');
  if (failed.length > 0) {
    const error = failed.map((target) => runs[target.id]?.error).find(Boolean);
    return { status: 'failed', reason: `${wording.failed} on ${names(failed)}${error ? `: ${error.message}` : ''}` };
  }
  const unrun = claimed.filter((target) => !runs[target.id]);
  if (unrun.length > 0) return { status: 'unverified', reason: `${wording.reportFile} has no run on ${names(unrun)} (${verifyHint(unrun)})` };
  const skipped = claimed.filter((target) => runs[target.id]!.status === 'skipped');
  if (skipped.length > 0) {
    const detail = skipped.map((target) => wording.skipDetail(runs[target.id]!)).find(Boolean);
    return { status: 'unverified', reason: `${wording.skipped} on ${names(skipped)}${detail ? `: ${detail}` : ''}` };
  }
  return { status: 'passed', passed: claimed };
}

/** The command that fills in the missing runs. */
function verifyHint(unrun: NamedTarget[]): string {
  const dropped = unrun.filter((target) => !target.configured);
  // A target the report remembers but targets.env no longer lists: only a fresh report forgets it.
  if (dropped.length > 0) return `${listed(dropped.map((target) => target.id))} ${dropped.length === 1 ? 'is' : 'are'} no longer in targets.env: run \`runbooks verify --fresh\``;
  return `run \`runbooks verify ${unrun.map((target) => `--target ${target.id}`).join(' ')}\``;
}
