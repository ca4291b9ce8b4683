import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DatabaseServer } from '../../src/db/server.ts';
import { connect, driftCount } from './helpers.ts';

/**
 * Pins a pg_tviews 0.1.0-beta.20 crash the health check runbook warns about: a TVIEW
 * creation that fails inside a transaction, followed by ROLLBACK TO SAVEPOINT and any
 * further pg_tviews work in that transaction, kills the backend with a segmentation fault.
 * PostgreSQL's crash recovery then resets every UNLOGGED table, so every TVIEW created with
 * the default settings is empty afterwards; pg_tviews_rebuild_all(only_empty => true)
 * refills them. This crashes its server, so it runs on a throwaway server of its own, not
 * on the one the other integration tests share.
 */
describe('a failed TVIEW creation rolled back to a savepoint', () => {
  let server: DatabaseServer;
  let url: string;

  beforeAll(async () => {
    server = await DatabaseServer.start({ onLog: () => undefined });
    url = server.url(server.info.fixtureDatabase);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('makes the next write to a source table crash the server, which empties the UNLOGGED TVIEWs', async () => {
    const client = await connect(url);
    client.on('error', () => undefined);
    await client.query('BEGIN');
    await client.query('CREATE TABLE tb_probe (pk_probe bigint PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid())');
    await client.query('CREATE VIEW v_probe AS SELECT 1 AS taken');
    await client.query('SAVEPOINT before_create');
    await expect(
      client.query(`SELECT tviews.pg_tviews_create_or_replace('tv_probe', 'SELECT pk_probe, id, jsonb_build_object(''id'', id) AS data FROM tb_probe')`),
    ).rejects.toThrow(/v_probe" already exists/);
    await client.query('ROLLBACK TO SAVEPOINT before_create');
    await expect(client.query(`UPDATE tb_post SET title = title WHERE pk_post = 1`)).rejects.toThrow(/terminat|connection/i);
    await client.end().catch(() => undefined);

    // The postmaster restarts after crash recovery; wait for it to accept connections again.
    let after: pg.Client | undefined;
    for (let attempt = 0; attempt < 100 && !after; attempt++) {
      try {
        after = await connect(url);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    expect(after).toBeDefined();
    try {
      const { rows } = await after!.query(`SELECT entity, is_empty, needs_rebuild FROM tviews.pg_tviews_replication_status() ORDER BY entity`);
      expect(rows).toEqual([
        { entity: 'comment', is_empty: true, needs_rebuild: true },
        { entity: 'post', is_empty: true, needs_rebuild: true },
        { entity: 'user', is_empty: true, needs_rebuild: true },
      ]);
      const { rows: [counts] } = await after!.query(`SELECT (SELECT count(*) FROM tv_post)::int AS tv, (SELECT count(*) FROM v_post)::int AS v`);
      expect(counts).toEqual({ tv: 0, v: 2000 });

      const rebuilt = await after!.query(`SELECT entity, rows::int AS rows FROM tviews.pg_tviews_rebuild_all(only_empty => true) ORDER BY entity`);
      expect(rebuilt.rows).toEqual([
        { entity: 'comment', rows: 5000 },
        { entity: 'post', rows: 2000 },
        { entity: 'user', rows: 1000 },
      ]);
      for (const entity of ['user', 'post', 'comment']) expect(await driftCount(after!, entity)).toBe(0);
    } finally {
      await after!.end();
    }
  });
});
