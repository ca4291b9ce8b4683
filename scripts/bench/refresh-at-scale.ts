#!/usr/bin/env node
// Refresh operations at scale: how long each TVIEW's refresh holds its lock, what the refresh
// snippets cost, and what the read-only refresh and troubleshooting snippets take on the scale
// fixture (1,000,000 rows in tv_comment). Prints figures (median of --runs) as a table.
//
//   PGTV_STATE_DIR=… node scripts/bench/refresh-at-scale.ts [--target pg18] [--scale 200] [--runs 3] [--only read-only|refresh|index]
//
// Uses the server of `runbooks db up --scale N` when one runs in PGTV_STATE_DIR (start it
// first: loading the scale fixture takes minutes), otherwise starts one. Everything runs in a
// scratch copy of the fixture, dropped at the end, also on Ctrl-C.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { projectRoot, snippetsRoot } from '../../src/config/paths.ts';
import { findTarget, loadTargets } from '../../src/config/targets.ts';
import { acquireServer } from '../../src/db/acquire.ts';
import { loadSnippets, type Snippet } from '../../src/snippets/snippet.ts';
import { runPsqlScript, type Wrapping } from '../../src/verify/psql-runner.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    target: { type: 'string' },
  },
});
const target = values.target ? findTarget(values.target) : loadTargets().primary;
const runs = Number(values.runs);
const part = (name: string) => !values.only || values.only === name;

const server = await acquireServer({ target: target.id, scale: Number(values.scale), onLog: (line) => console.error(line) });
console.error(`target ${target.id}: PostgreSQL ${server.info.postgresVersion}, pg_tviews ${server.info.pgTviewsVersion}`);
let database: string | undefined;
let client: pg.Client | undefined;
let cleaned = false;
const cleanUp = async () => {
  if (cleaned) return;
  cleaned = true;
  await client?.end().catch(() => undefined);
  if (database) await server.dropScratch(database).catch(() => undefined);
  await server.close();
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanUp().then(() => process.exit(130)));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const rows: [string, string, string][] = [];
const record = (what: string, figure: string, note = '') => {
  rows.push([what, figure, note]);
  console.error(`  ${what}: ${figure}${note ? ` (${note})` : ''}`);
};

try {
  console.error(`cloning the scale fixture (scale ${server.info.scale})…`);
  database = await server.createScratch('bench_refresh');
  const url = server.url(database);
  client = new pg.Client({ connectionString: url, application_name: 'bench-refresh' });
  await client.connect();
  await client.query('SET client_min_messages = error');
  const [{ comments }] = (await client.query<{ comments: string }>('SELECT count(*)::text AS comments FROM tv_comment')).rows;
  const entities = (await client.query<{ entity: string }>('SELECT entity FROM tviews.registry ORDER BY entity')).rows.map((r) => r.entity);
  console.error(`tv_comment has ${comments} rows; TVIEWs: ${entities.join(', ')}`);

  const snippets = new Map((await loadSnippets([snippetsRoot], { projectRoot, snippetsRoot })).map((s) => [s.name, s]));
  const timeSnippet = async (snippet: Snippet, params: Record<string, string>, wrap: Wrapping) => {
    const values = { ...Object.fromEntries(Object.entries(snippet.header!.params).map(([k, spec]) => [k, spec.value])), ...params };
    const started = performance.now();
    const run = await runPsqlScript(snippet.text, { databaseUrl: url, binDir: server.info.binDir, params: values, wrap, timeoutMs: 30 * 60_000, applicationName: 'bench-refresh' });
    if (run.error) throw new Error(`${snippet.name} ${JSON.stringify(params)}: ${run.error.message}`);
    return performance.now() - started;
  };

  if (part('read-only')) {
    console.error('read-only snippets, as verify runs them (READ ONLY transaction)…');
    const readOnly = [...snippets.values()].filter(
      (s) => /^(refresh|troubleshoot|scripts\/refresh-status)/.test(s.name) && s.header?.safety === 'read-only',
    );
    for (const snippet of readOnly.sort((a, b) => a.name.localeCompare(b.name))) {
      const variants = 'entity' in snippet.header!.params ? entities.map((entity) => ({ entity })) : [{}];
      for (const params of variants) {
        const times: number[] = [];
        for (let i = 0; i < runs; i++) times.push(await timeSnippet(snippet, params, 'read-only'));
        record(`${snippet.name}${'entity' in params ? ` (${params.entity})` : ''}`, seconds(median(times)), `median of ${runs}, psql start included`);
      }
    }
  }

  if (part('refresh')) {
    console.error('refreshes (each commits; the lock on the tv_ table is held for the whole time)…');
    for (const entity of entities) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await client.query('SELECT tviews.pg_tviews_refresh($1)', [entity]);
        times.push(performance.now() - started);
      }
      // reltuples is -1 after a refresh until the next ANALYZE: count instead.
      const [{ table, size }] = (await client.query<{ table: string; size: string }>(
        `SELECT format('%I.%I', r.schema, r.name) AS table, pg_size_pretty(pg_total_relation_size(format('%I.%I', r.schema, r.name)::regclass)) AS size
           FROM tviews.registry r WHERE r.entity = $1`,
        [entity],
      )).rows;
      const [{ n }] = (await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows;
      record(`pg_tviews_refresh('${entity}')`, seconds(median(times)), `${n} rows, ${size}, plus the TVIEWs that read it (refresh/dependency-order: also_rebuilds); min ${seconds(Math.min(...times))}, max ${seconds(Math.max(...times))}`);
    }
    for (const entity of entities) {
      record(`refresh/refresh-one (${entity})`, seconds(await timeSnippet(snippets.get('refresh/refresh-one')!, { entity, statement_timeout: '30min' }, 'none')), 'refresh + post-check');
    }
    record('refresh/refresh-all', seconds(await timeSnippet(snippets.get('refresh/refresh-all')!, { statement_timeout: '1h' }, 'none')), 'one transaction + post-check of every TVIEW');
    record('refresh/refresh-batch (pause 0)', seconds(await timeSnippet(snippets.get('refresh/refresh-batch')!, { pause: '0', statement_timeout: '30min' }, 'none')), 'one transaction per TVIEW');
    const inParts = snippets.get('refresh/refresh-in-parts')!;
    record('refresh/refresh-in-parts (comment, 10,000 per part, no drift)', seconds(await timeSnippet(inParts, { entity: 'comment', chunk_rows: '10000', pause: '0' }, 'none')), '100 parts, nothing to write');
    await client.query(`ALTER TABLE tb_comment DISABLE TRIGGER USER`);
    await client.query(`UPDATE tb_comment SET body = body || ' (bench)' WHERE pk_comment % 100 = 0`);
    await client.query(`ALTER TABLE tb_comment ENABLE TRIGGER USER`);
    record('refresh/refresh-in-parts (comment, 10,000 per part, 1 % drifted)', seconds(await timeSnippet(inParts, { entity: 'comment', chunk_rows: '10000', pause: '0' }, 'none')), '10,000 rows rewritten');
    // What a crash restart or a promotion leaves of an UNLOGGED TVIEW: an empty table and no
    // validity row. (A LOGGED TVIEW emptied by TRUNCATE is refilled by its next write instead.)
    await client.query('ALTER TABLE tv_comment SET UNLOGGED');
    await client.query('TRUNCATE tv_comment');
    await client.query(`DELETE FROM tviews.pg_tview_valid WHERE entity = 'comment'`);
    record('refresh/rebuild-empty (UNLOGGED tv_comment reset)', seconds(await timeSnippet(snippets.get('refresh/rebuild-empty')!, {}, 'none')), 'INSERT only, readers not blocked');
    await client.query('ALTER TABLE tv_comment SET LOGGED');
  }

  if (part('index')) {
    console.error('one post renamed, with and without the propagation index on tv_comment(fk_post)…');
    const dbid = (await client.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = current_database()')).rows[0].oid;
    const renames = async (first: number) => {
      await client!.query('SELECT pg_stat_statements_reset(0, $1, 0)', [dbid]);
      const times: number[] = [];
      for (let pk = first; pk < first + 10; pk++) {
        const started = performance.now();
        await client!.query(`UPDATE tb_post SET title = title || ' (bench)' WHERE pk_post = $1`, [pk]);
        times.push(performance.now() - started);
      }
      const [{ pages }] = (await client!.query<{ pages: string }>(
        `SELECT (sum(shared_blks_hit + shared_blks_read) / sum(calls))::bigint::text AS pages FROM pg_stat_statements WHERE dbid = $1 AND query LIKE 'UPDATE tb_post SET title%'`,
        [dbid],
      )).rows;
      return { ms: median(times), pages };
    };
    await renames(1000); // warm the caches and pg_tviews' catalog lookups
    const withIndex = await renames(2000);
    await client.query('DROP INDEX idx_tv_comment_fk_post_pk_comment');
    const without = await renames(3000);
    record('rename one post, tv_comment(fk_post) indexed', seconds(withIndex.ms), `${withIndex.pages} pages per write`);
    record('rename one post, index missing', seconds(without.ms), `${without.pages} pages per write`);
  }

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nscale ${server.info.scale}: ${comments} rows in tv_comment; PostgreSQL ${server.info.postgresVersion}, pg_tviews ${server.info.pgTviewsVersion}`);
  for (const [what, figure, note] of rows) console.log(`${what.padEnd(width)}  ${figure.padStart(8)}  ${note}`);
} finally {
  await cleanUp();
}
