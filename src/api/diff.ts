import type { ApiFunction, ApiRelation, ApiSnapshot, ApiTrigger } from './snapshot.ts';

/**
 * What changed between two API snapshots, in the words a maintainer bumping pg_tviews
 * needs: what is gone (snippets using it break), what is new (runbooks may use it), and what
 * changed shape (arguments, result columns, relation columns).
 */

export interface ApiDiff {
  from: string;
  to: string;
  /** `- function tviews.pg_tviews_queue_stats()`, `+ view tviews.stats`, `~ …: …`. */
  lines: string[];
}

function signature(fn: ApiFunction): string {
  const args = fn.arguments.map((a) => `${a.name ? `${a.name} ` : ''}${a.type}${a.hasDefault ? ' = …' : ''}`).join(', ');
  return `${fn.schema}.${fn.name}(${args})`;
}

function returns(fn: ApiFunction): string {
  const columns = fn.resultColumns ? `(${fn.resultColumns.map((c) => `${c.name} ${c.type}`).join(', ')})` : fn.returns;
  return `${fn.returnsSet ? 'SETOF ' : ''}${columns}`;
}

function relationKey(r: ApiRelation): string {
  return `${r.kind} ${r.schema}.${r.name}`;
}

function triggerKey(t: ApiTrigger): string {
  return `trigger ${t.name} on ${t.table}`;
}

function byKey<T>(items: T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

/** Entries present in only one side, sorted, each prefixed `-` (gone) or `+` (new). */
function presence(from: Map<string, unknown>, to: Map<string, unknown>): string[] {
  const gone = [...from.keys()].filter((k) => !to.has(k)).map((k) => `- ${k}`);
  const added = [...to.keys()].filter((k) => !from.has(k)).map((k) => `+ ${k}`);
  return [...gone, ...added];
}

export function diffSnapshots(from: ApiSnapshot, to: ApiSnapshot, labels: { from: string; to: string }): ApiDiff {
  const lines: string[] = [];
  if (from.version !== to.version) lines.push(`~ pg_tviews ${from.version} → ${to.version}`);
  if (from.schema !== to.schema) lines.push(`~ schema ${from.schema} → ${to.schema}`);

  const fromFunctions = byKey(from.functions, (f) => `function ${signature(f)}`);
  const toFunctions = byKey(to.functions, (f) => `function ${signature(f)}`);
  lines.push(...presence(fromFunctions, toFunctions));
  for (const [key, fn] of fromFunctions) {
    const other = toFunctions.get(key);
    if (other && returns(fn) !== returns(other)) lines.push(`~ ${key} returns ${returns(fn)} → ${returns(other)}`);
  }

  const fromRelations = byKey(from.relations, relationKey);
  const toRelations = byKey(to.relations, relationKey);
  lines.push(...presence(fromRelations, toRelations));
  for (const [key, relation] of fromRelations) {
    const other = toRelations.get(key);
    if (!other) continue;
    const columns = (r: ApiRelation) => byKey(r.columns, (c) => `${c.name} ${c.type}`);
    for (const change of presence(columns(relation), columns(other))) lines.push(`~ ${key}: column ${change}`);
  }

  lines.push(...presence(byKey(from.eventTriggers, (e) => `event trigger ${e.name} on ${e.event}`), byKey(to.eventTriggers, (e) => `event trigger ${e.name} on ${e.event}`)));
  lines.push(...presence(byKey(from.fixtureTriggers, triggerKey), byKey(to.fixtureTriggers, triggerKey)));
  return { ...labels, lines };
}

export function formatDiff(diff: ApiDiff): string {
  if (diff.lines.length === 0) return `${diff.from} and ${diff.to} provide the same API`;
  return [`--- ${diff.from}`, `+++ ${diff.to}`, ...diff.lines].join('\n');
}
