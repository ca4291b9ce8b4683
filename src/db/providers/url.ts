import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadTargets, type Target } from '../../config/targets.ts';
import { EnvironmentError } from '../../errors/index.ts';
import { quoteIdentifier } from '../../snippets/params.ts';
import { provisionTarget } from '../local/provision.ts';
import { dropDatabase, withAdmin } from '../template.ts';
import type { Provider, ProviderOptions, StartedServer } from '../provider.ts';

/**
 * An existing server named by PGTV_DATABASE_URL. The tool only creates databases of its
 * own (prefixed with a random run id) and drops exactly those; it never reads or writes
 * another database.
 */
export function urlProvider(options: ProviderOptions, name: 'url' | 'docker' = 'url'): Provider {
  const databasePrefix = `pgtv_${randomBytes(4).toString('hex')}_`;
  let adminUrl: string | undefined;
  return {
    name,
    async start(): Promise<StartedServer> {
      if (!options.databaseUrl) throw new EnvironmentError('the url provider needs PGTV_DATABASE_URL, e.g. postgresql://user:password@host:5432/postgres');
      const { major } = await preflight(options.databaseUrl);
      adminUrl = options.databaseUrl;
      const host = new URL(options.databaseUrl).host;
      const clients = await provisionTarget(clientTarget(major), 'postgres');
      return { adminUrl, binDir: path.join(clients.installDir, 'bin'), databasePrefix, details: { server: host } };
    },
    async stop(log) {
      if (!adminUrl) return;
      await dropDatabasesWithPrefix(adminUrl, databasePrefix, log);
      adminUrl = undefined;
    },
  };
}

/**
 * psql and friends for a server we did not start: the PostgreSQL package of the target of the
 * same major (only unpacked, nothing is built), else the primary target's: a newer psql
 * talks to older servers.
 */
export function clientTarget(major: number): Target {
  const targets = loadTargets();
  return targets.all.find((t) => t.postgresMajor === major) ?? targets.primary;
}

/** Refuses, saying why, a server where the run could not work; returns its PostgreSQL major. */
export async function preflight(databaseUrl: string): Promise<{ major: number }> {
  let facts;
  try {
    facts = await withAdmin(databaseUrl, async (client) => {
      const { rows } = await client.query<{ available: boolean; can_create: boolean; preload: string | null; version: string; major: number }>(`
        SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_tviews') AS available,
               (SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user) AS can_create,
               -- Only superusers and pg_read_all_settings may read it; others learn at CREATE EXTENSION.
               CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR pg_has_role('pg_read_all_settings', 'member')
                    THEN current_setting('shared_preload_libraries') END AS preload,
               current_setting('server_version') AS version,
               current_setting('server_version_num')::int / 10000 AS major`);
      return rows[0];
    });
  } catch (error) {
    throw new EnvironmentError(`cannot connect to PGTV_DATABASE_URL: ${(error as Error).message}`);
  }
  if (!facts.available) throw new EnvironmentError(`the server (PostgreSQL ${facts.version}) does not have pg_tviews available: install the extension there, or use the local or docker provider`);
  if (!facts.can_create) throw new EnvironmentError('the role in PGTV_DATABASE_URL may not create databases: grant it CREATEDB (ALTER ROLE … CREATEDB) or use another role');
  if (facts.preload !== null && !facts.preload.split(',').map((s) => s.trim()).includes('pg_tviews')) {
    throw new EnvironmentError(`pg_tviews is not in shared_preload_libraries on that server (it is '${facts.preload}'): pg_tviews needs it preloaded; add it and restart the server`);
  }
  return { major: facts.major };
}

export async function dropDatabasesWithPrefix(adminUrl: string, prefix: string, log: (line: string) => void): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname`,
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(`ALTER DATABASE ${quoteIdentifier(datname)} WITH IS_TEMPLATE false`);
      await dropDatabase(client, datname);
      log(`dropped database ${datname}`);
    }
  });
}
