#!/usr/bin/env node
// Lint speed and memory: 100 generated snippets (80 SQL of the kinds runbooks use, 20 bash)
// and one runbook embedding them all, in a temporary project that is removed afterwards (also
// on Ctrl-C), then this project's own library. Prints figures; the targets are under 2 seconds
// for the 100 snippets and a peak under 300 MB for the whole library.
//
//   node scripts/bench/lint.ts [--snippets N] [--runs N]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../src/config/paths.ts';
import { projectSnapshots } from '../../src/api/live.ts';
import { lintPaths } from '../../src/lint/index.ts';
import { snippetTemplate } from '../../src/snippets/scaffold.ts';

const { values } = parseArgs({ options: { snippets: { type: 'string', default: '100' }, runs: { type: 'string', default: '5' } } });
const count = Number(values.snippets);
const runs = Number(values.runs);

const root = mkdtempSync(path.join(os.tmpdir(), 'bench-lint-'));
const cleanUp = () => rmSync(root, { recursive: true, force: true });
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

const SQL_BODIES = [
  "SELECT status, component, message, severity FROM tviews.pg_tviews_health_check() ORDER BY severity DESC;",
  "SELECT m.entity, m.created_at, m.definition FROM tviews.pg_tview_meta m WHERE m.entity = 'post';",
  "SELECT count(*) AS drift FROM (SELECT * FROM tviews.public__tv_post EXCEPT SELECT * FROM tv_post) AS d;",
  "SELECT tgrelid::regclass, tgname, tgenabled FROM pg_trigger WHERE tgname LIKE 'trg_tview_%' ORDER BY 1, 2;",
  "SELECT gid, prepared, owner FROM pg_prepared_xacts WHERE database = current_database() ORDER BY prepared;",
  "DO $$\nDECLARE r record;\nBEGIN\n  FOR r IN SELECT entity FROM tviews.pg_tview_meta LOOP\n    RAISE NOTICE 'entity %', r.entity;\n  END LOOP;\nEND $$;",
  "SELECT pid, state, now() - xact_start AS age FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid();",
  "\\echo 'Refresh cost per TVIEW'\nSELECT schema, name, view_recomputes, rows_written, refresh_ms FROM tviews.stats ORDER BY refresh_ms DESC;",
];
const BASH_BODY = 'set -euo pipefail\nfor table in tv_post tv_user; do\n  psql -X -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM ${table}"\ndone';

const names: string[] = [];
for (let i = 0; i < count; i++) {
  const bash = i % 5 === 4;
  const name = `area-${i % 7}/snippet-${i}`;
  names.push(name);
  const template = snippetTemplate({ name, language: bash ? 'bash' : 'sql', safety: 'read-only' });
  // Keep the scaffold's header, replace its example body.
  const headerEnd = template.indexOf(bash ? '# ---\n# Replace' : '-- ---\n-- Replace') + (bash ? '# ---\n' : '-- ---\n').length;
  const body = bash ? BASH_BODY : SQL_BODIES[i % SQL_BODIES.length];
  const file = path.join(root, 'snippets', ...name.split('/')) + (bash ? '.sh' : '.sql');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${template.slice(0, headerEnd)}${body}\n`);
}
mkdirSync(path.join(root, 'content', '01-bench'), { recursive: true });
writeFileSync(path.join(root, 'content', '01-bench', 'all.mdx'), `# Bench\n\n${names.map((n) => `::snippet{name="${n}"}`).join('\n\n')}\n`);

const layout = { projectRoot: root, snippetsRoot: path.join(root, 'snippets'), contentRoot: path.join(root, 'content'), snapshots: projectSnapshots() };
const paths = [layout.snippetsRoot, layout.contentRoot];

const timings: number[] = [];
let diagnostics = 0;
for (let run = 0; run < runs; run++) {
  const started = performance.now();
  const result = await lintPaths(paths, layout);
  timings.push(performance.now() - started);
  diagnostics = result.diagnostics.length;
  if (result.snippets !== count) throw new Error(`linted ${result.snippets} snippets, expected ${count}`);
}
if (diagnostics > 0) {
  const sample = (await lintPaths(paths, layout)).diagnostics.slice(0, 5).map((d) => `${d.file}:${d.line} ${d.rule} ${d.message}`);
  console.error(`the generated snippets should lint clean but gave ${diagnostics} diagnostics, e.g.\n${sample.join('\n')}`);
}

// The command as a person runs it: a fresh process, with the Node flags of its #! line (they
// keep the parsers' memory down), module loading and parser start-up included.
const cli = path.join(projectRoot, 'scripts', 'runbooks.ts');
const nodeFlags = readFileSync(cli, 'utf8').split('\n')[0].replace(/^#!\/usr\/bin\/env -S node\s*/, '').split(/\s+/).filter(Boolean);

/** Runs `runbooks <args>`; its peak memory is read from /proc while it runs (VmHWM only grows). */
async function runCli(args: string[]): Promise<{ ms: number; status: number | null; peakMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, cli, ...args], { stdio: 'ignore' });
  let peakKb = 0;
  const sample = () => {
    const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    if (match) peakKb = Math.max(peakKb, Number(match[1]));
  };
  const sampler = setInterval(() => {
    try {
      sample();
    } catch {
      // It has just exited.
    }
  }, 5);
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  return { ms: performance.now() - started, status, peakMb: peakKb / 1024 };
}

const median = <T>(items: T[], by: (item: T) => number) => [...items].sort((a, b) => by(a) - by(b))[Math.floor(items.length / 2)];
const generated = [];
for (let run = 0; run < 3; run++) generated.push(await runCli(['lint', '--root', root]));
const library = [];
for (let run = 0; run < 3; run++) library.push(await runCli(['lint']));
const oneSnippet = await runCli(['lint', path.join(projectRoot, 'snippets', 'health', 'tview-status.sql')]);

const ms = (n: number) => `${n.toFixed(0)} ms`;
const mb = (n: number) => `${n.toFixed(0)} MB`;
const sorted = [...timings].sort((a, b) => a - b);
const newProcess = median(generated, (r) => r.ms);
const own = median(library, (r) => r.ms);
console.log(`lint of ${count} snippets (${count - Math.floor(count / 5)} SQL, ${Math.floor(count / 5)} bash) and 1 runbook, ${os.cpus().length} cores, node ${nodeFlags.join(' ')}`);
console.log(`  first run in-process (parsers loading):  ${ms(timings[0])}`);
console.log(`  later runs in-process, median of ${runs - 1}:   ${ms(sorted[Math.floor(sorted.length / 2)])}  (min ${ms(sorted[0])}, max ${ms(sorted.at(-1)!)})`);
console.log(`  'runbooks lint' as a new process, median of 3: ${ms(newProcess.ms)}, peak ${mb(Math.max(...generated.map((r) => r.peakMb)))}  (exit ${newProcess.status}; Node start-up and module loading included)`);
console.log(`  target: under 2000 ms for ${count} snippets — ${newProcess.ms < 2000 ? 'met' : 'NOT met'}`);
console.log(`this project's library, 'runbooks lint', median of 3: ${ms(own.ms)}, peak ${mb(Math.max(...library.map((r) => r.peakMb)))} (exit ${own.status})`);
console.log(`  one snippet (health/tview-status): ${ms(oneSnippet.ms)}, peak ${mb(oneSnippet.peakMb)}`);
console.log(`  target: peak under 300 MB for the library — ${Math.max(...library.map((r) => r.peakMb)) < 300 ? 'met' : 'NOT met'}`);
console.log(`  machine load average (1 min): ${os.loadavg()[0].toFixed(2)}`);
