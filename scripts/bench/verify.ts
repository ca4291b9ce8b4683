#!/usr/bin/env node
// Verification overhead and parallel speed-up, printed as figures.
//
//   node scripts/bench/verify.ts [--snippets N]
//
// Generates N read-only snippets (the kinds of query runbooks run) and one runbook that
// embeds them, in a temporary project removed afterwards (also on Ctrl-C), then measures:
//   floor     the same SQL sent through one psql session, one after another;
//   verify    `runbooks verify` of those snippets (lint, isolation, expectations, report)
//             with 1 worker and with 2;
// and prints the per-snippet cost of each, the overhead ratio verify/floor and the speed-up.
// Uses the database of `runbooks db up` when one is running, otherwise starts one.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadTargets } from '../../src/config/targets.ts';
import { acquireServer } from '../../src/db/acquire.ts';
import { verify } from '../../src/verify/run.ts';

const { values } = parseArgs({ options: { snippets: { type: 'string', default: '40' } } });
const count = Number(values.snippets);

const root = mkdtempSync(path.join(os.tmpdir(), 'bench-verify-'));
const server = await acquireServer({ target: loadTargets().primary.id, onLog: () => undefined });
let cleaned = false;
const cleanUp = async () => {
  if (cleaned) return;
  cleaned = true;
  rmSync(root, { recursive: true, force: true });
  await server.close();
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanUp().then(() => process.exit(130)));
}

const QUERIES = [
  'SELECT entity, name, base_tables FROM tviews.registry ORDER BY entity;',
  'SELECT status, component, message FROM tviews.pg_tviews_health_check() ORDER BY component;',
  "SELECT count(*) AS posts FROM tv_post WHERE data->'author'->>'name' LIKE 'Ada%';",
  'SELECT relname, n_live_tup, n_dead_tup FROM pg_stat_user_tables ORDER BY relname;',
  'SELECT gid, prepared, owner FROM pg_prepared_xacts ORDER BY prepared;',
  'SELECT entity, view_recomputes, rows_written, refresh_ms FROM tviews.stats ORDER BY entity;',
  "SELECT tgrelid::regclass::text AS source, tgname FROM pg_trigger WHERE tgname LIKE 'trg_tview_%' ORDER BY 1, 2;",
  'SELECT pid, state FROM pg_stat_activity WHERE pid <> pg_backend_pid() ORDER BY pid;',
];
const names: string[] = [];
for (let i = 0; i < count; i++) {
  const name = `bench/q${String(i).padStart(3, '0')}`;
  names.push(name);
  const file = path.join(root, 'snippets', `${name}.sql`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    `-- ---\n-- title: Benchmark query ${i}\n-- description: a generated read-only query for the verify benchmark\n-- safety: read-only\n-- privileges: [any role]\n-- ---\n${QUERIES[i % QUERIES.length]}\n`,
  );
}
mkdirSync(path.join(root, 'content', '01-bench'), { recursive: true });
writeFileSync(path.join(root, 'content', '01-bench', 'page.mdx'), ['---', 'title: Bench', '---', '', ...names.map((n) => `::snippet{name="${n}"}\n`)].join('\n'));

const database = await server.createScratch('bench_floor');
const floorStarted = performance.now();
const floor = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', server.url(database), '-o', '/dev/null', '-f', '-'], {
  input: Array.from({ length: count }, (_, i) => QUERIES[i % QUERIES.length]).join('\n'),
});
const floorMs = performance.now() - floorStarted;
await server.dropScratch(database);
if (floor.status !== 0) throw new Error(`floor run failed: ${floor.stderr}`);

const timed = async (concurrency: number) => {
  const started = performance.now();
  const report = await verify({ root, server, concurrency, progress: () => undefined });
  const failed = report.summary.snippets.failed;
  if (failed) throw new Error(`${failed} benchmark snippets failed verification`);
  return performance.now() - started;
};
await timed(2); // warm-up: lint parser, connections, page cache
const one = await timed(1);
const two = await timed(2);
await cleanUp();

const perSnippet = (ms: number) => `${(ms / count).toFixed(1)} ms`;
console.log(`snippets                        ${count} read-only`);
console.log(`floor: one psql session         ${floorMs.toFixed(0)} ms total, ${perSnippet(floorMs)} per snippet`);
console.log(`verify, 1 worker                ${one.toFixed(0)} ms total, ${perSnippet(one)} per snippet`);
console.log(`verify, 2 workers               ${two.toFixed(0)} ms total, ${perSnippet(two)} per snippet`);
console.log(`overhead ratio (1 worker)       ${(one / floorMs).toFixed(1)}× the floor`);
console.log(`parallel speed-up (2 vs 1)      ${(one / two).toFixed(2)}×`);
