import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../src/report/merge.ts';
import { type Report, reportSchema, type SnippetEntry } from '../../src/report/schema.ts';
import { selectShard, shardOf } from '../../src/verify/selection.ts';

const sha = (c: string) => c.repeat(64);

function target(id: string, primary = false): Report['targets'][number] {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  return { id, primary, postgres: id === 'pg18' ? '18.6' : '16.15', pgTviews: '0.1.0-beta.34', provider: 'local', summary: { snippets: counts, scenarios: counts, durationMs: 0 } };
}

function snippet(name: string, runs: Record<string, 'passed' | 'failed'>, hash = sha('a')): SnippetEntry {
  return {
    name,
    file: `snippets/${name}.sql`,
    language: 'sql',
    sha256: hash,
    status: Object.values(runs).includes('failed') ? 'failed' : 'passed',
    targets: Object.fromEntries(Object.entries(runs).map(([id, status]) => [id, { status, checks: [], durationMs: 10 }])),
  };
}

function report(targets: string[], snippets: SnippetEntry[], generatedAt = '2026-11-30T10:00:00.000Z'): Report {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  return reportSchema.parse({
    schemaVersion: 2,
    generatedAt,
    environment: { commit: 'abc', dirty: false, node: 'v24' },
    targets: targets.map((id) => target(id, id === 'pg18')),
    partial: true,
    summary: { snippets: counts, scenarios: counts, durationMs: 1000 },
    snippets,
    scenarios: [],
    problems: [],
  });
}

describe('runbooks report merge', () => {
  it('joins targets and shards into one report that covers the library', () => {
    const pg18a = report(['pg18'], [snippet('health/a', { pg18: 'passed' })]);
    const pg18b = report(['pg18'], [snippet('health/b', { pg18: 'passed' })]);
    const pg16 = report(['pg16'], [snippet('health/a', { pg16: 'failed' }), snippet('health/b', { pg16: 'passed' })]);
    const merged = mergeReports([pg16, pg18a, pg18b], { snippets: ['health/a', 'health/b'], scenarios: [] });
    expect(merged.targets.map((t) => t.id)).toEqual(['pg18', 'pg16']);
    expect(merged.partial).toBe(false);
    expect(merged.snippets.map((s) => [s.name, s.status, Object.keys(s.targets).sort()])).toEqual([
      ['health/a', 'failed', ['pg16', 'pg18']],
      ['health/b', 'passed', ['pg16', 'pg18']],
    ]);
    expect(merged.targets.find((t) => t.id === 'pg16')!.summary.snippets).toEqual({ passed: 1, failed: 1, skipped: 0 });
    expect(merged.summary.snippets).toEqual({ passed: 1, failed: 1, skipped: 0 });
  });

  it('is partial while a snippet lacks a run on a target, and drops snippets that no longer exist', () => {
    const merged = mergeReports([report(['pg18', 'pg16'], [snippet('health/a', { pg18: 'passed' }), snippet('gone/x', { pg18: 'passed', pg16: 'passed' })])], {
      snippets: ['health/a'],
      scenarios: [],
    });
    expect(merged.partial).toBe(true);
    expect(merged.snippets.map((s) => s.name)).toEqual(['health/a']);
  });

  it('lets the later report win on the same target, and forgets runs of other text when the file changed', () => {
    const old = report(['pg18', 'pg16'], [snippet('health/a', { pg18: 'failed', pg16: 'passed' })]);
    const rerun = report(['pg18'], [snippet('health/a', { pg18: 'passed' })], '2026-11-30T11:00:00.000Z');
    expect(mergeReports([old, rerun]).snippets[0].targets).toMatchObject({ pg18: { status: 'passed' }, pg16: { status: 'passed' } });
    const edited = report(['pg18'], [snippet('health/a', { pg18: 'passed' }, sha('b'))], '2026-11-30T11:00:00.000Z');
    expect(Object.keys(mergeReports([old, edited]).snippets[0].targets)).toEqual(['pg18']);
  });
});

describe('verify --shard', () => {
  const names = Array.from({ length: 60 }, (_, i) => `area/snippet-${i}`);
  const selection = { snippets: new Set(names), scenarios: new Set(['01-x/y', '02-x/z']), partial: false, reason: 'everything' };

  it('splits the selection into disjoint parts that cover it', () => {
    const parts = [1, 2, 3].map((index) => selectShard(selection, { index, count: 3 }));
    const all = parts.flatMap((p) => [...p.snippets]);
    expect(all.sort()).toEqual([...names].sort());
    expect(new Set(all).size).toBe(names.length);
    for (const part of parts) expect(part.snippets.size).toBeGreaterThan(5);
    expect(parts.every((p) => p.partial)).toBe(true);
  });

  it('puts a name in the same shard whatever else the selection holds', () => {
    const fewer = { ...selection, snippets: new Set(names.slice(0, 10)) };
    for (const name of names.slice(0, 10)) {
      const shard = shardOf(name, 4);
      expect(selectShard(fewer, { index: shard, count: 4 }).snippets.has(name)).toBe(true);
      expect(selectShard(selection, { index: shard, count: 4 }).snippets.has(name)).toBe(true);
    }
    expect(shardOf('health/tview-status', 4)).toBe(shardOf('health/tview-status', 4));
  });
});
