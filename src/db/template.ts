import { execFile } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { fixturesRoot } from '../config/paths.ts';
import { EnvironmentError } from '../errors/index.ts';
import { quoteIdentifier } from '../snippets/params.ts';

/**
 * The fixture lives in a template database, loaded once per server; every verification
 * clones it (CREATE DATABASE … TEMPLATE), which costs far less than loading it again.
 */

export const FIXTURE_FILES = ['schema.sql', 'data.sql', 'tviews.sql'];

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/**
 * A fixture that does not load is the server's or the fixture's problem, not a bug: the
 * error names the fixture file and line psql stopped at (psql:<file>:<line>: ERROR: …).
 */
export function fixtureError(stderr: string, server: string): EnvironmentError {
  const match = /^psql:(.+?):(\d+): (?:ERROR|FATAL|error):\s+(.*)$/m.exec(stderr);
  const detail = stderr.split('\n').filter((l) => /^(DETAIL|HINT):/.test(l)).join('\n');
  const what = `the fixture does not load on ${server}: ${match ? match[3] : stderr.trim() || 'psql failed'}${detail ? `\n${detail}` : ''}\n` +
    'fix the fixture for the pg_tviews this server runs (docs/pg_tviews-facts.md says what changed between releases), or use a server with the pinned release (runbooks targets)';
  return new EnvironmentError(what, match ? { file: path.relative(process.cwd(), match[1]), line: Number(match[2]) } : { file: path.relative(process.cwd(), fixturesRoot) });
}

/** Runs the fixture files through the server's own psql, as a user would, stopping at the first error. */
export async function loadFixture(url: string, scale: number, binDir: string): Promise<void> {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', `scale=${scale}`, '-d', url];
  for (const file of FIXTURE_FILES) args.push('-f', path.join(fixturesRoot, file));
  const server = new URL(url).host || 'the local cluster';
  await new Promise<void>((resolve, reject) => {
    execFile(path.join(binDir, 'psql'), args, { env: { ...process.env, PGOPTIONS: '-c client_min_messages=error' }, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) =>
      error ? reject(fixtureError(stderr || error.message, server)) : resolve(),
    );
  });
}

export async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'runbooks' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createTemplate(adminUrl: string, name: string, scale: number, binDir: string): Promise<void> {
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  await loadFixture(databaseUrl(adminUrl, name), scale, binDir);
  // Marked as a template so nobody connects to it by accident and blocks cloning.
  await withAdmin(adminUrl, (client) => client.query(`ALTER DATABASE ${quoteIdentifier(name)} WITH IS_TEMPLATE true`));
}

/**
 * FILE_COPY copies the template's files and checkpoints, instead of WAL-logging every block:
 * measured 2.9 s instead of 5.6 s for the 1.4 GB scale-200 template, and no slower at scale 1.
 * PostgreSQL before 15 has only that strategy and no STRATEGY option.
 */
export async function cloneDatabase(client: pg.ClientBase, template: string, name: string): Promise<void> {
  const { rows } = await client.query<{ version: number }>(`SELECT current_setting('server_version_num')::int AS version`);
  const strategy = rows[0].version >= 150000 ? ' STRATEGY FILE_COPY' : '';
  await client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}${strategy}`);
}

export async function dropDatabase(client: pg.ClientBase, name: string): Promise<void> {
  await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
}
