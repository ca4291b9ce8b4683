import type { Element } from 'hast';
import { element } from '../render/hast.ts';
import type { ResolvedSnippet } from '../report/snippet-status.ts';

/**
 * `npm run dev` only: what the live loop (snippet-loop.ts) last found about each saved snippet,
 * kept in memory for the page renderer. The report stays the source of verification results;
 * this adds what the report cannot know yet: the lint findings of a file saved a moment ago
 * (shown on its badge before verification finishes), whether it is being verified, and why it
 * was not (no `runbooks db up` server). Empty in `astro build`, which never reads it.
 */

export interface LiveLintError {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
}

export type LivePhase =
  /** Linted; verification on the primary target's `db up` server is running. */
  | { kind: 'verifying'; target: string }
  /** Linted; not verified, because no `db up` server runs for the primary target. */
  | { kind: 'no-server'; target: string }
  /** Verified on the target: the report now holds the result, the badge shows it. */
  | { kind: 'verified'; target: string; status: 'passed' | 'failed' | 'skipped'; ms: number; at: Date }
  /** Lint or verification itself broke (a missing tool, a database error). */
  | { kind: 'error'; message: string };

export interface LiveSnippet {
  /** sha256 of the file as it was linted: a state about other text is not shown. */
  sha256: string;
  lintErrors: LiveLintError[];
  lintWarnings: number;
  phase: LivePhase;
}

const states = new Map<string, LiveSnippet>();

export function setLiveSnippet(name: string, state: LiveSnippet): void {
  states.set(name, state);
}

export function liveSnippet(name: string): LiveSnippet | undefined {
  return states.get(name);
}

/**
 * The snippet as the page should show it: while the report still describes the previous text
 * (stale), lint errors of the saved text are the news, so the badge says failed and why.
 */
export function withLiveLint(resolved: ResolvedSnippet): ResolvedSnippet {
  const live = states.get(resolved.name);
  if (!live || resolved.status !== 'stale' || resolved.snippet?.sha256 !== live.sha256 || live.lintErrors.length === 0) return resolved;
  return { ...resolved, status: 'failed', reason: lintSummary(live.lintErrors) };
}

/** The live loop's line under the badges, when it has something to say about this text. */
export function withLiveNote(block: Element, resolved: ResolvedSnippet): Element {
  const live = states.get(resolved.name);
  if (!live || resolved.snippet?.sha256 !== live.sha256) return block;
  // `command` in the note becomes <code>command</code>; the rest stays text.
  const parts = liveNote(live).split('`').map((part, index) => (index % 2 === 1 ? element('code', {}, [part]) : part));
  const note = element('p', { className: ['rb-snippet__live'], dataLive: live.phase.kind }, parts);
  const badges = block.children.findIndex((child) => child.type === 'element' && (child.properties.className as string[] | undefined)?.includes('rb-snippet__badges'));
  const children = [...block.children];
  children.splice(badges === -1 ? children.length : badges + 1, 0, note);
  return { ...block, children };
}

export function lintSummary(errors: LiveLintError[]): string {
  const [first] = errors;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `lint: ${first.file}:${first.line}:${first.column} ${first.rule}: ${first.message}${more}`;
}

export function liveNote(live: LiveSnippet): string {
  const lint =
    live.lintErrors.length > 0
      ? `Lint: ${live.lintErrors.length} error${live.lintErrors.length === 1 ? '' : 's'}.`
      : `Lint: no errors${live.lintWarnings > 0 ? ` (${live.lintWarnings} warning${live.lintWarnings === 1 ? '' : 's'})` : ''}.`;
  const { phase } = live;
  switch (phase.kind) {
    case 'verifying':
      return `${lint} Verifying on ${phase.target} against the \`runbooks db up\` server…`;
    case 'no-server':
      return `${lint} Not verified: no \`runbooks db up\` server runs for ${phase.target}. Start one (\`npx runbooks db up --detach\`) and save again.`;
    case 'verified':
      return `${lint} Ran on ${phase.target} at ${phase.at.toTimeString().slice(0, 8)} (${(phase.ms / 1000).toFixed(1)} s): ${phase.status}.`;
    case 'error':
      return `${lint} The dev loop could not verify it: ${phase.message}`;
  }
}
