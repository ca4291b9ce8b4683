import { inject } from 'vitest';
import pg from 'pg';
import type { ServerInfo } from '../../src/db/server-info.ts';
import { cloneDatabase, databaseUrl, dropDatabase, withAdmin } from '../../src/db/template.ts';

/** The server of a target (default: the primary one), started by global-setup.ts. */
export function serverOf(target?: string): ServerInfo {
  if (!target) return inject('server');
  const info = inject('servers')[target];
  if (!info) throw new Error(`no server for target ${target}`);
  return info;
}

/** Every target id with a server, the primary first: for `describe.each`. */
export function targetIds(): string[] {
  return Object.keys(inject('servers'));
}

/** A fresh clone of the fixture for one test, dropped afterwards. */
export async function withFixtureClone<T>(label: string, work: (url: string) => Promise<T>, target?: string): Promise<T> {
  const info = serverOf(target);
  const name = `${info.databasePrefix}t_${label}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  await withAdmin(info.adminUrl, (client) => cloneDatabase(client, info.templateDatabase, name));
  try {
    return await work(databaseUrl(info.adminUrl, name));
  } finally {
    await withAdmin(info.adminUrl, (client) => dropDatabase(client, name));
  }
}

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Rows of tv_<entity> and its backing view without an equal row on the other side; 0 = in sync. */
export async function driftCount(client: pg.Client, entity: string): Promise<number> {
  const { rows: [{ view, list }] } = await client.query<{ view: string; list: string }>(
    `SELECT r.view::text AS view, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS list
     FROM tviews.registry r JOIN pg_attribute a ON a.attrelid = r.view::regclass AND a.attnum > 0 AND NOT a.attisdropped
     WHERE r.entity = $1 GROUP BY r.view`,
    [entity],
  );
  const { rows } = await client.query<{ n: string }>(`
    SELECT count(*) AS n FROM (
      (SELECT ${list} FROM tv_${entity} EXCEPT ALL SELECT ${list} FROM ${view})
      UNION ALL
      (SELECT ${list} FROM ${view} EXCEPT ALL SELECT ${list} FROM tv_${entity})
    ) d`);
  return Number(rows[0].n);
}

/** The error a statement fails with (its SQLSTATE, message, CONTEXT, hint), or a test failure if it succeeds. */
export async function failure(run: Promise<unknown>): Promise<{ code: string; message: string; where?: string; hint?: string }> {
  try {
    await run;
  } catch (error) {
    const e = error as pg.DatabaseError;
    return { code: e.code ?? '', message: e.message, where: e.where, hint: e.hint };
  }
  throw new Error('the statement succeeded; it was expected to fail');
}

/** The first row of a query's result. */
export async function one<T = Record<string, unknown>>(client: pg.Client, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await client.query(sql, params);
  return rows[0] as T;
}

/** One session on a fresh fixture clone of a target, ended afterwards. */
export async function withClient<T>(label: string, target: string, work: (client: pg.Client, url: string) => Promise<T>): Promise<T> {
  return withFixtureClone(
    label,
    async (url) => {
      const client = await connect(url);
      try {
        return await work(client, url);
      } finally {
        await client.end();
      }
    },
    target,
  );
}

/** Sessions on one fresh fixture clone of a target; each one's open transaction is rolled back and the session ended afterwards. */
export async function withSessions<T>(label: string, target: string, count: number, work: (...clients: pg.Client[]) => Promise<T>): Promise<T> {
  return withFixtureClone(
    label,
    async (url) => {
      const clients: pg.Client[] = [];
      try {
        for (let i = 0; i < count; i++) clients.push(await connect(url));
        return await work(...clients);
      } finally {
        for (const client of clients) {
          await client.query('ROLLBACK').catch(() => undefined);
          await client.end().catch(() => undefined);
        }
      }
    },
    target,
  );
}
