import { inject } from 'vitest';
import pg from 'pg';
import { cloneDatabase, databaseUrl, dropDatabase, withAdmin } from '../../src/db/template.ts';

/** A fresh clone of the fixture for one test, dropped afterwards. */
export async function withFixtureClone<T>(label: string, work: (url: string) => Promise<T>): Promise<T> {
  const info = inject('server');
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

/** Rows of tv_<entity> and v_<entity> without an equal row on the other side; 0 = in sync. */
export async function driftCount(client: pg.Client, entity: string): Promise<number> {
  const { rows: [{ list }] } = await client.query<{ list: string }>(
    `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS list
     FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [`v_${entity}`],
  );
  const { rows } = await client.query<{ n: string }>(`
    SELECT count(*) AS n FROM (
      (SELECT ${list} FROM tv_${entity} EXCEPT ALL SELECT ${list} FROM v_${entity})
      UNION ALL
      (SELECT ${list} FROM v_${entity} EXCEPT ALL SELECT ${list} FROM tv_${entity})
    ) d`);
  return Number(rows[0].n);
}
