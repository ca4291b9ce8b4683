#!/usr/bin/env node
// Read-only snippets on the scale fixture (--scale 200: 1,000,000 rows in tv_comment): each
// selected snippet runs through psql exactly as verification runs it (READ ONLY transaction,
// rolled back, header parameter values), --runs times, and a table of median, fastest and
// slowest times is printed. Runbooks say which steps stay well under a second on a large
// database; this is where the figures come from.
//
//   node scripts/bench/snippets-at-scale.ts [--only <glob>] [--scale N] [--runs N] [--timeout 10min] [--keep] [--markdown]
//
// The server: the one `runbooks db up --scale N` runs in PGTV_STATE_DIR is reused when its
// scale is at least N. Otherwise a new one is started (a few minutes at scale 200) and removed
// on exit, also on Ctrl-C; with --keep it is left running for the next run instead, and
// `runbooks db down` (same PGTV_STATE_DIR) removes it.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot, snippetsRoot } from '../../src/config/paths.ts';
import { findTarget, loadTargets } from '../../src/config/targets.ts';
import { AttachedServer, type VerificationServer } from '../../src/db/attached.ts';
import { DatabaseServer } from '../../src/db/server.ts';
import { runningServer, stateFile } from '../../src/db/state.ts';
import { durationMs } from '../../src/snippets/header.ts';
import { loadSnippets, type Snippet } from '../../src/snippets/snippet.ts';
import { runPsqlScript } from '../../src/verify/psql-runner.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    target: { type: 'string' },
    scale: { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
    timeout: { type: 'string' },
    keep: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: node scripts/bench/snippets-at-scale.ts [--target pg18] [--only <glob>] [--scale N] [--runs N] [--timeout 10min] [--keep] [--markdown]');
  process.exit(0);
}
const scale = Number(values.scale);
const runs = Number(values.runs);
const target = values.target ? findTarget(values.target) : loadTargets().primary;
if (!Number.isInteger(scale) || scale < 1 || !Number.isInteger(runs) || runs < 1) {
  console.error('--scale and --runs must be whole numbers of at least 1');
  process.exit(2);
}
const timeoutOverride = values.timeout ? durationMs(values.timeout) : undefined;

// Which snippets: read-only SQL ones (the only kind that can run against the shared fixture
// unchanged), optionally narrowed by a glob on their names.
const all = await loadSnippets([snippetsRoot], { projectRoot, snippetsRoot });
const selected = all.filter(
  (s): s is Snippet & { header: NonNullable<Snippet['header']> } =>
    s.language === 'sql' && s.header?.safety === 'read-only' && (!values.only || path.matchesGlob(s.name, values.only)),
);
if (selected.length === 0) {
  console.error(`no read-only SQL snippet matches ${values.only ?? '(all)'}`);
  process.exit(2);
}

let keep = values.keep;
let server: VerificationServer | undefined;
let started: DatabaseServer | undefined;
let closing: Promise<unknown> | undefined;
let interrupted = false;
const cleanUp = async () => {
  if (!started) return;
  if (keep) {
    started.detach();
    console.error("the scale server keeps running: 'runbooks db down' (same PGTV_STATE_DIR) removes it");
  } else {
    await started.close();
  }
  started = undefined;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping…`);
    interrupted = true;
    closing ??= cleanUp().finally(() => process.exit(130));
  });
}

try {
  const running = await runningServer(target.id);
  if (running && running.scale >= scale) {
    server = new AttachedServer(running);
    console.error(`using the running ${running.provider} server (scale ${running.scale}, owner ${running.ownerPid})`);
  } else {
    if (running) {
      console.error(`the running server has scale ${running.scale}; starting a separate one at scale ${scale}, removed at the end`);
      if (keep) console.error('--keep ignored: PGTV_STATE_DIR already records a server (use another PGTV_STATE_DIR)');
      keep = false;
    } else {
      console.error(`starting a scale-${scale} server (loading the fixture takes minutes)…`);
    }
    // Recorded in the state file only when it is to be kept, so that `db down` finds it.
    started = await DatabaseServer.start({ target: target.id, scale, stateFile: keep ? stateFile(target.id) : undefined });
    server = started;
  }
  const url = server.url(server.info.fixtureDatabase);

  const largest = await runPsqlScript(
    `SELECT r.name, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', r.schema, r.name), false, true, '')))[1]::text AS rows
       FROM tviews.registry r JOIN pg_class c ON c.oid = format('%I.%I', r.schema, r.name)::regclass ORDER BY c.reltuples DESC LIMIT 1;`,
    { databaseUrl: url, binDir: server.info.binDir, params: {}, wrap: 'read-only', timeoutMs: 30_000, applicationName: 'bench-snippets-at-scale' },
  );
  const [name, rows] = largest.results[0]?.rows[0] ?? ['?', '0'];
  console.error(`largest TVIEW: ${name} with ${Number(rows).toLocaleString('en')} rows; ${selected.length} snippet(s), ${runs} run(s) each\n`);

  // What every figure includes besides the SQL: starting psql and connecting.
  const baseline: number[] = [];
  for (let run = 0; run < Math.max(runs, 3); run++) {
    const t0 = performance.now();
    await runPsqlScript('SELECT 1;', { databaseUrl: url, binDir: server.info.binDir, params: {}, wrap: 'read-only', timeoutMs: 30_000, applicationName: 'bench-snippets-at-scale' });
    baseline.push(performance.now() - t0);
  }
  const overhead = [...baseline].sort((a, b) => a - b)[Math.floor((baseline.length - 1) / 2)];

  interface Row {
    snippet: string;
    median: number;
    min: number;
    max: number;
    rows: string;
    status: string;
  }
  const table: Row[] = [];
  for (const snippet of selected) {
    if (interrupted) break;
    const params = Object.fromEntries(Object.entries(snippet.header.params).map(([key, spec]) => [key, spec.value]));
    const timeoutMs = timeoutOverride ?? Math.max(durationMs(snippet.header.timeout), 600_000);
    const times: number[] = [];
    let status = 'ok';
    let resultRows = '';
    for (let run = 0; run < runs && !interrupted; run++) {
      const t0 = performance.now();
      const result = await runPsqlScript(snippet.text, { databaseUrl: url, binDir: server.info.binDir, params, wrap: 'read-only', timeoutMs, applicationName: 'bench-snippets-at-scale' });
      times.push(performance.now() - t0);
      resultRows = String(result.results.at(-1)?.rowCount ?? '');
      // A snippet whose header expects an error (a guard) has done its job when it fails.
      if (result.error && !(snippet.header.expect.error && new RegExp(snippet.header.expect.error, 'm').test(result.error.message))) {
        status = `error: ${result.error.message.split('\n')[0]}`;
        break;
      }
    }
    const sorted = [...times].sort((a, b) => a - b);
    const row = { snippet: snippet.name, median: sorted[Math.floor((sorted.length - 1) / 2)], min: sorted[0], max: sorted.at(-1)!, rows: resultRows, status };
    table.push(row);
    console.error(`  ${row.snippet}: ${formatMs(row.median)}${row.status === 'ok' ? '' : ` (${row.status})`}`);
  }

  if (interrupted) throw new Error('interrupted');
  console.log(`\nRead-only snippets on the scale fixture (${name}: ${Number(rows).toLocaleString('en')} rows), ${server.info.target}: PostgreSQL ${server.info.postgresVersion}, pg_tviews ${server.info.pgTviewsVersion}, median of ${runs} run(s),`);
  console.log(`including psql start-up and connection (SELECT 1 takes ${formatMs(overhead)}):\n`);
  const header = ['snippet', 'median', 'fastest', 'slowest', 'rows', 'status'];
  const lines = table.map((r) => [r.snippet, formatMs(r.median), formatMs(r.min), formatMs(r.max), r.rows, r.status]);
  if (values.markdown) {
    console.log(`| ${header.join(' | ')} |\n| ${header.map(() => '---').join(' | ')} |`);
    for (const line of lines) console.log(`| ${line.join(' | ')} |`);
  } else {
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const format = (cells: string[]) => cells.map((c, i) => (i >= 1 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
    console.log(format(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const line of lines) console.log(format(line));
  }
  process.exitCode = table.every((r) => r.status === 'ok') ? 0 : 1;
} catch (error) {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await (closing ?? cleanUp());
}

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
