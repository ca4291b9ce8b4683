import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { driftCount, failure, one, targetIds, withClient } from './helpers.ts';

/**
 * Pins of docs/pg_tviews-facts.md about catalog consistency: which drops pg_tviews sees,
 * what an orphaned registration, a lost catalog row, a dropped or a stray trigger look like
 * to the health check, and what re-registration does. Each test runs on every target.
 */

/** The health check rows that are not OK, jsonb_delta's expected WARNING left out. */
async function problems(client: pg.Client): Promise<{ status: string; component: string; message: string }[]> {
  const { rows } = await client.query(`SELECT status, component, message FROM tviews.pg_tviews_health_check() WHERE status <> 'OK' AND component <> 'jsonb_delta'`);
  return rows;
}

async function createGadget(client: pg.Client, schema: string): Promise<void> {
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`CREATE TABLE ${schema}.tb_gadget (pk_gadget bigint PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid(), label text)`);
  await client.query(`INSERT INTO ${schema}.tb_gadget (pk_gadget, label) VALUES (1, 'a'), (2, 'b')`);
  await client.query(`CREATE TABLE ${schema}.tv_gadget AS SELECT pk_gadget, id, jsonb_build_object('label', label) AS data FROM ${schema}.tb_gadget`);
}

describe.each(targetIds())('catalog consistency on %s', (target) => {
  describe('drops', () => {
    it('DROP TABLE of a TVIEW removes its registration, backing view and triggers, also with session_replication_role = replica', async () => {
      await withClient('drop_table', target, async (client) => {
        for (const role of ['origin', 'replica']) {
          await createGadget(client, `s_${role}`);
          expect(await one(client, `SELECT view::text AS view FROM tviews.registry WHERE schema = $1`, [`s_${role}`])).toEqual({ view: `tviews.s_${role}__tv_gadget` });
          await client.query(`SET session_replication_role = ${role}`);
          await client.query(`DROP TABLE s_${role}.tv_gadget`);
          await client.query(`RESET session_replication_role`);
          expect(await one(client, `SELECT (SELECT count(*) FROM tviews.pg_tview_meta WHERE entity = 'gadget')::int AS meta, to_regclass($1) AS view, (SELECT count(*) FROM pg_trigger WHERE tgrelid = $2::regclass)::int AS triggers`, [`tviews.s_${role}__tv_gadget`, `s_${role}.tb_gadget`])).toEqual({ meta: 0, view: null, triggers: 0 });
          expect(await problems(client), role).toEqual([]);
        }
      });
    });

    it('DROP SCHEMA … CASCADE removes the TVIEW in it; with event triggers off (replica role) it leaves an orphaned registration behind', async () => {
      await withClient('drop_schema', target, async (client) => {
        await createGadget(client, 's_seen');
        await client.query(`DROP SCHEMA s_seen CASCADE`);
        expect(await one(client, `SELECT count(*)::int AS n, to_regclass('tviews.s_seen__tv_gadget') AS view FROM tviews.pg_tview_meta WHERE entity = 'gadget'`)).toEqual({ n: 0, view: null });

        await createGadget(client, 's_unseen');
        await client.query(`SET session_replication_role = replica`);
        await client.query(`DROP SCHEMA s_unseen CASCADE`);
        await client.query(`RESET session_replication_role`);
        expect(await one(client, `SELECT schema, name, view FROM tviews.registry WHERE entity = 'gadget'`)).toEqual({ schema: null, name: 'tv_gadget', view: null });
        expect(await problems(client)).toEqual([{ status: 'ERROR', component: 'metadata', message: '1 orphaned metadata entries found' }]);
        // Writes to the other TVIEWs' tables go on.
        await client.query(`UPDATE tb_user SET name = 'After Orphan' WHERE pk_user = 20`);
        for (const entity of ['user', 'post', 'comment']) expect(await driftCount(client, entity)).toBe(0);
        expect(await one(client, `SELECT tviews.pg_tviews_drop('gadget', true) AS r`)).toEqual({ r: 'TVIEW tv_gadget dropped' });
        expect(await one(client, `SELECT count(*)::int AS n FROM tviews.pg_tview_meta WHERE entity = 'gadget'`)).toEqual({ n: 0 });
        expect(await problems(client)).toEqual([]);
      });
    });
  });

  describe('a catalog row deleted by hand', () => {
    it('leaves its triggers orphaned (WARNING, metadata OK); writes to a table it mapped fail, writes to its own table no longer reach it', async () => {
      await withClient('lost_meta', target, async (client) => {
        await client.query(`DELETE FROM tviews.pg_tview_meta WHERE entity = 'post'`);
        const found = await problems(client);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ status: 'WARNING', component: 'triggers' });
        expect(found[0].message).toMatch(/^8 orphaned triggers found: trg_tview_delta_d_post_on_public_tb_user on public\.tb_user, /);
        expect((await client.query(`SELECT entity FROM tviews.registry ORDER BY 1`)).rows.map((r) => r.entity)).toEqual(['comment', 'user']);

        expect(await failure(client.query(`UPDATE tb_user SET name = 'Lost' WHERE pk_user = 7`))).toMatchObject({
          code: '42704',
          message: 'pg_tviews: could not map the changed rows to tv_post keys: TVIEW post does not exist',
        });
        await client.query(`UPDATE tb_post SET title = 'Lost title' WHERE pk_post = 1`);
        expect(await one(client, `SELECT (SELECT count(*) FROM tv_post WHERE data->>'title' = 'Lost title')::int AS post, (SELECT count(*) FROM tv_comment WHERE data->'post'->>'title' = 'Lost title')::int AS comment, (SELECT count(*) FROM tb_comment WHERE fk_post = 1)::int AS comments`)).toEqual({ post: 0, comment: 0, comments: 2 });
        expect(await driftCount(client, 'comment')).toBe(4);
        expect((await failure(client.query(`SELECT tviews.pg_tviews_drop('post')`))).code).toBe('42704');
      });
    });
  });

  describe('a backing view dropped by hand', () => {
    it('is not refused: the registration loses its view, its triggers read as orphaned, writes to its source fail until pg_tviews_drop', async () => {
      await withClient('lost_view', target, async (client) => {
        const { query } = await one<{ query: string }>(client, `SELECT query FROM tviews.registry WHERE entity = 'user'`);
        await client.query(`DROP VIEW tviews.public__tv_user`);
        expect(await one(client, `SELECT name, view FROM tviews.registry WHERE entity = 'user'`)).toEqual({ name: 'tv_user', view: null });
        const found = await problems(client);
        expect(found).toEqual([
          {
            status: 'WARNING',
            component: 'triggers',
            message: '3 orphaned triggers found: trg_tview_flush_user_on_public_tb_user on public.tb_user, trg_tview_row_user_on_public_tb_user on public.tb_user, trg_tview_truncate_user_on_public_tb_user on public.tb_user',
          },
        ]);
        const write = await failure(client.query(`UPDATE tb_user SET name = 'No View' WHERE pk_user = 2`));
        expect(write.code).toBe('XX000');
        expect(write.message).toMatch(/^TVIEW refresh failed: Catalog operation 'Name relation \d+' failed: relation does not exist$/);
        // Its hint names pg_tviews_reregister, which fails the same way.
        expect((await failure(client.query(`SELECT tviews.pg_tviews_reregister('user')`))).code).toBe('XX000');
        expect(await one(client, `SELECT tviews.pg_tviews_drop('user', true) AS r`)).toEqual({ r: 'TVIEW public.tv_user dropped' });
        expect(await one(client, `SELECT to_regclass('tv_user') AS tv, (SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'trg_tview_%_user_on_%')::int AS triggers`)).toEqual({ tv: null, triggers: 0 });
        await client.query(`UPDATE tb_user SET name = 'No View' WHERE pk_user = 2`);
        expect(await problems(client)).toEqual([]);
        // Created again from its registered query, it follows its source again.
        await client.query(`CREATE TABLE tv_user AS ${query}`);
        await client.query(`UPDATE tb_user SET name = 'View Again' WHERE pk_user = 2`);
        expect(await one(client, `SELECT data->>'name' AS name FROM tv_user WHERE pk_user = 2`)).toEqual({ name: 'View Again' });
        expect(await driftCount(client, 'user')).toBe(0);
      });
    });
  });

  describe('registrations to re-derive', () => {
    it('reports a TVIEW flagged needs_reregister (WARNING, reregister) until pg_tviews_reregister_all()', async () => {
      await withClient('needs_reregister', target, async (client) => {
        await client.query(`UPDATE tviews.pg_tview_meta SET needs_reregister = true WHERE entity = 'post'`);
        expect(await problems(client)).toEqual([
          { status: 'WARNING', component: 'reregister', message: '1 TVIEW registered by an older release: run SELECT * FROM tviews.pg_tviews_reregister_all()' },
        ]);
        const { rows } = await client.query(`SELECT entity, status FROM tviews.pg_tviews_reregister_all() ORDER BY entity`);
        expect(rows).toEqual([
          { entity: 'comment', status: 'reregistered' },
          { entity: 'post', status: 'reregistered' },
          { entity: 'user', status: 'reregistered' },
        ]);
        expect(await problems(client)).toEqual([]);
      });
    });

    it('reports a propagation plan that does not decode (ERROR, plans); every write to its tables fails until pg_tviews_reregister(tview)', async () => {
      await withClient('bad_plan', target, async (client) => {
        await client.query(`UPDATE tviews.pg_tview_meta SET plan = '{"version": 99}' WHERE entity = 'post'`);
        const found = await problems(client);
        expect(found.map((p) => [p.status, p.component])).toEqual([['ERROR', 'plans'], ['WARNING', 'triggers']]);
        expect(found[0].message).toMatch(/^1 TVIEW unreadable; until re-registered, writes to the base tables of every TVIEW fail: tv_post \(/);
        const write = await failure(client.query(`UPDATE tb_comment SET body = 'x' WHERE pk_comment = 1`));
        expect(write.code).toBe('XX000');
        expect(write.message).toMatch(/^pg_tviews: could not read the propagation plans: /);
        expect(await one(client, `SELECT tviews.pg_tviews_reregister('post') AS r`)).toEqual({ r: 'reregistered' });
        expect(await problems(client)).toEqual([]);
        await client.query(`UPDATE tb_comment SET body = 'x' WHERE pk_comment = 1`);
        for (const entity of ['user', 'post', 'comment']) expect(await driftCount(client, entity)).toBe(0);
      });
    });
  });

  describe('triggers', () => {
    it('reports a dropped trigger as missing (ERROR); pg_tviews_reregister re-installs it but does not replay the writes made meanwhile', async () => {
      await withClient('missing_trigger', target, async (client) => {
        await client.query(`DROP TRIGGER trg_tview_row_post_on_public_tb_post ON tb_post`);
        expect(await problems(client)).toEqual([
          { status: 'ERROR', component: 'triggers', message: '1 missing trigger (run pg_tviews_reregister_all()): post (pg_tview_trigger_handler) on public.tb_post' },
        ]);
        await client.query(`UPDATE tb_post SET title = 'Unseen' WHERE pk_post = 5`);
        expect(await driftCount(client, 'post')).toBe(2);
        expect(await one(client, `SELECT tviews.pg_tviews_reregister('post') AS r`)).toEqual({ r: 'reregistered' });
        expect(await one(client, `SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'trg_tview_row_post_on_public_tb_post'`)).toEqual({ n: 1 });
        expect(await problems(client)).toEqual([]);
        expect(await driftCount(client, 'post')).toBe(2);
        await client.query(`SELECT tviews.pg_tviews_refresh('post')`);
        expect(await driftCount(client, 'post')).toBe(0);
      });
    });

    it('reports a pg_tviews trigger that names no registered TVIEW as orphaned (WARNING)', async () => {
      await withClient('orphan_trigger', target, async (client) => {
        await client.query(`CREATE TRIGGER stray AFTER INSERT OR UPDATE OR DELETE ON tb_post FOR EACH STATEMENT EXECUTE FUNCTION tviews.pg_tview_flush_trigger('ghost')`);
        expect(await problems(client)).toEqual([{ status: 'WARNING', component: 'triggers', message: '1 orphaned trigger found: stray on public.tb_post' }]);
      });
    });
  });
});
