#!/usr/bin/env node
// Lint speed: 100 generated snippets (80 SQL of the kinds runbooks use, 20 bash) and one
// runbook embedding them all, in a temporary project that is removed afterwards (also on
// Ctrl-C). Prints figures; the target is under 2 seconds for the 100 snippets.
//
//   node scripts/bench/lint.ts [--snippets N] [--runs N]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  "SELECT count(*) AS drift FROM (SELECT * FROM v_post EXCEPT SELECT * FROM tv_post) AS d;",
  "SELECT tgrelid::regclass, tgname, tgenabled FROM pg_trigger WHERE tgname LIKE 'trg_tview_%' ORDER BY 1, 2;",
  "SELECT gid, prepared, owner FROM pg_prepared_xacts WHERE database = current_database() ORDER BY prepared;",
  "DO $$\nDECLARE r record;\nBEGIN\n  FOR r IN SELECT entity FROM tviews.pg_tview_meta LOOP\n    RAISE NOTICE 'entity %', r.entity;\n  END LOOP;\nEND $$;",
  "SELECT pid, state, now() - xact_start AS age FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid();",
  "\\echo 'TVIEW sizes'\nSELECT * FROM tviews.pg_tviews_performance_stats() ORDER BY row_count DESC;",
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

// The command as a person runs it: a fresh process, module loading and parser start-up included.
const cliTimings: number[] = [];
let cliStatus: number | null = 0;
for (let run = 0; run < 3; run++) {
  const cliStarted = performance.now();
  cliStatus = spawnSync(process.execPath, [path.join(projectRoot, 'scripts', 'runbooks.ts'), 'lint', '--root', root], { encoding: 'utf8' }).status;
  cliTimings.push(performance.now() - cliStarted);
}
const cliMs = [...cliTimings].sort((a, b) => a - b)[1];

const ms = (n: number) => `${n.toFixed(0)} ms`;
const sorted = [...timings].sort((a, b) => a - b);
console.log(`lint of ${count} snippets (${count - Math.floor(count / 5)} SQL, ${Math.floor(count / 5)} bash) and 1 runbook, ${os.cpus().length} cores`);
console.log(`  first run in-process (parsers loading):  ${ms(timings[0])}`);
console.log(`  later runs in-process, median of ${runs - 1}:   ${ms(sorted[Math.floor(sorted.length / 2)])}  (min ${ms(sorted[0])}, max ${ms(sorted.at(-1)!)})`);
console.log(`  'runbooks lint' as a new process, median of 3: ${ms(cliMs)}  (exit ${cliStatus}; Node start-up and module loading included)`);
console.log(`  target: under 2000 ms for ${count} snippets — ${cliMs < 2000 ? 'met' : 'NOT met'}`);
console.log(`  machine load average (1 min): ${os.loadavg()[0].toFixed(2)}`);
process.exitCode = diagnostics > 0 || cliStatus !== 0 ? 1 : 0;
