import { describe, expect, inject, it } from 'vitest';
import { connect, driftCount, withFixtureClone } from './helpers.ts';

/**
 * Proof that the real pg_tviews works on the verification server, and pins of what it does
 * where its documentation and the plan disagree.
 */
describe('pg_tviews on the verification server', () => {
  it('is the pinned version, on the pinned PostgreSQL major', () => {
    const info = inject('server');
    expect(info.pgTviewsVersion).toBe('0.1.0-beta.20');
    expect(info.postgresVersion).toMatch(/^15\./);
  });

  it('registered the fixture TVIEWs, each with its view and table, and they start in sync', async () => {
    await withFixtureClone('registry', async (url) => {
      const client = await connect(url);
      try {
        const { rows } = await client.query(`SELECT name, entity, view::text AS view FROM tviews.registry ORDER BY entity`);
        expect(rows).toEqual([
          { name: 'tv_comment', entity: 'comment', view: 'v_comment' },
          { name: 'tv_post', entity: 'post', view: 'v_post' },
          { name: 'tv_user', entity: 'user', view: 'v_user' },
        ]);
        for (const entity of ['user', 'post', 'comment']) expect(await driftCount(client, entity)).toBe(0);
        const counts = await client.query(`SELECT (SELECT count(*) FROM tv_user)::int AS users, (SELECT count(*) FROM tv_post)::int AS posts, (SELECT count(*) FROM tv_comment)::int AS comments`);
        expect(counts.rows[0]).toEqual({ users: 1000, posts: 2000, comments: 5000 });
      } finally {
        await client.end();
      }
    });
  });

  it('creates a TVIEW from CREATE TABLE tv_x AS SELECT, with its v_x view and triggers on the source', async () => {
    await withFixtureClone('create', async (url) => {
      const client = await connect(url);
      try {
        await client.query(`CREATE TABLE tb_tag (pk_tag bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid(), label text NOT NULL)`);
        await client.query(`INSERT INTO tb_tag (label) VALUES ('incident'), ('postmortem')`);
        await client.query(`CREATE TABLE tv_tag AS SELECT t.pk_tag, t.id, jsonb_build_object('label', t.label) AS data FROM tb_tag t`);
        const { rows } = await client.query(`SELECT entity FROM tviews.registry WHERE name = 'tv_tag'`);
        expect(rows).toEqual([{ entity: 'tag' }]);
        const view = await client.query(`SELECT to_regclass('v_tag')::text AS view`);
        expect(view.rows[0].view).toBe('v_tag');
        const triggers = await client.query(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'tb_tag'::regclass ORDER BY 1`);
        expect(triggers.rows.map((r) => r.tgname)).toEqual(['trg_tview_flush_tag_on_public_tb_tag', 'trg_tview_row_tag_on_public_tb_tag']);
        expect(await driftCount(client, 'tag')).toBe(0);
        await client.query(`INSERT INTO tb_tag (label) VALUES ('runbook')`);
        expect((await client.query(`SELECT count(*)::int AS n FROM tv_tag`)).rows[0].n).toBe(3);
      } finally {
        await client.end();
      }
    });
  });

  it('refuses a TVIEW without a tb_<entity> base table, since nothing could ever refresh it', async () => {
    await withFixtureClone('refuse', async (url) => {
      const client = await connect(url);
      try {
        await expect(
          client.query(`CREATE TABLE tv_author AS SELECT u.pk_user AS pk_author, u.id, jsonb_build_object('name', u.name) AS data FROM tb_user u`),
        ).rejects.toThrow(/can never be refreshed: there is no base table 'tb_author'/);
      } finally {
        await client.end();
      }
    });
  });

  it('applies INSERT, UPDATE and DELETE on tb_ to tv_ at commit, invisible to others before', async () => {
    await withFixtureClone('dml', async (url) => {
      const writer = await connect(url);
      const reader = await connect(url);
      try {
        await writer.query('BEGIN');
        await writer.query(`INSERT INTO tb_user (identifier, name, email) VALUES ('new-user', 'New User', 'new@example.test')`);
        await writer.query(`UPDATE tb_user SET name = 'Changed' WHERE identifier = 'user-1'`);
        await writer.query(`DELETE FROM tb_comment WHERE pk_comment = 1`);
        const before = await reader.query(`SELECT count(*)::int AS n FROM tv_user WHERE data->>'name' IN ('New User', 'Changed')`);
        expect(before.rows[0].n).toBe(0);
        // Inside the writing transaction the TVIEW is already up to date.
        const inside = await writer.query(`SELECT count(*)::int AS n FROM tv_user WHERE data->>'name' IN ('New User', 'Changed')`);
        expect(inside.rows[0].n).toBe(2);
        await writer.query('COMMIT');
        const after = await reader.query(`SELECT count(*)::int AS n FROM tv_user WHERE data->>'name' IN ('New User', 'Changed')`);
        expect(after.rows[0].n).toBe(2);
        const deleted = await reader.query(`SELECT count(*)::int AS n FROM tv_comment WHERE pk_comment = 1`);
        expect(deleted.rows[0].n).toBe(0);
        for (const entity of ['user', 'post', 'comment']) expect(await driftCount(reader, entity)).toBe(0);
      } finally {
        await writer.end();
        await reader.end();
      }
    });
  });

  it('cascades a change of tb_user to the posts and comments that embed the user', async () => {
    await withFixtureClone('cascade', async (url) => {
      const client = await connect(url);
      try {
        const { rows: [target] } = await client.query(`SELECT fk_user AS pk FROM tb_post p WHERE EXISTS (SELECT 1 FROM tb_comment c WHERE c.fk_post = p.pk_post) LIMIT 1`);
        await client.query(`UPDATE tb_user SET name = 'Cascade Check' WHERE pk_user = $1`, [target.pk]);
        const posts = await client.query(`SELECT count(*)::int AS n FROM tv_post WHERE data->'author'->>'name' = 'Cascade Check'`);
        const comments = await client.query(`SELECT count(*)::int AS n FROM tv_comment WHERE data->'post'->'author'->>'name' = 'Cascade Check'`);
        expect(posts.rows[0].n).toBeGreaterThan(0);
        expect(comments.rows[0].n).toBeGreaterThan(0);
        for (const entity of ['user', 'post', 'comment']) expect(await driftCount(client, entity)).toBe(0);
      } finally {
        await client.end();
      }
    });
  });

  it('pg_tviews_refresh restores a deliberately corrupted tv_ row', async () => {
    await withFixtureClone('refresh', async (url) => {
      const client = await connect(url);
      try {
        await client.query(`UPDATE tv_post SET data = jsonb_set(data, '{title}', '"corrupted"') WHERE pk_post = 10`);
        await client.query(`DELETE FROM tv_post WHERE pk_post = 11`);
        expect(await driftCount(client, 'post')).toBe(3);
        await client.query(`SELECT tviews.pg_tviews_refresh('post')`);
        expect(await driftCount(client, 'post')).toBe(0);
      } finally {
        await client.end();
      }
    });
  });

  it('answers pg_tviews_health_check() with one row per component', async () => {
    await withFixtureClone('health', async (url) => {
      const client = await connect(url);
      try {
        const { rows } = await client.query(`SELECT status, component, severity FROM tviews.pg_tviews_health_check() ORDER BY component`);
        const components = Object.fromEntries(rows.map((r) => [r.component, r.status]));
        expect(components).toMatchObject({ extension: 'OK', triggers: 'OK', tviews: 'OK', metadata: 'OK' });
        // Without the optional jsonb_delta extension the health check warns; that is expected.
        expect(components.jsonb_delta).toBe('WARNING');
      } finally {
        await client.end();
      }
    });
  });

  describe('two-phase commit', () => {
    it('makes the TVIEW change part of the prepared transaction: COMMIT PREPARED publishes it', async () => {
      await withFixtureClone('twopc_commit', async (url) => {
        const client = await connect(url);
        try {
          await client.query('BEGIN');
          await client.query(`UPDATE tb_user SET name = 'Prepared Name' WHERE pk_user = 7`);
          await client.query(`PREPARE TRANSACTION 'pgtv_test_commit'`);
          const pending = await client.query(`SELECT count(*)::int AS n FROM tv_post WHERE data->'author'->>'name' = 'Prepared Name'`);
          expect(pending.rows[0].n).toBe(0);
          await client.query(`COMMIT PREPARED 'pgtv_test_commit'`);
          const published = await client.query(`SELECT count(*)::int AS n FROM tv_post WHERE data->'author'->>'name' = 'Prepared Name'`);
          const expected = await client.query(`SELECT count(*)::int AS n FROM tb_post WHERE fk_user = 7`);
          expect(published.rows[0].n).toBe(expected.rows[0].n);
          expect(await driftCount(client, 'post')).toBe(0);
        } finally {
          await client.query(`ROLLBACK PREPARED 'pgtv_test_commit'`).catch(() => undefined);
          await client.end();
        }
      });
    });

    it('ROLLBACK PREPARED leaves the TVIEW unchanged', async () => {
      await withFixtureClone('twopc_rollback', async (url) => {
        const client = await connect(url);
        try {
          await client.query('BEGIN');
          await client.query(`UPDATE tb_user SET name = 'Never Published' WHERE pk_user = 8`);
          await client.query(`PREPARE TRANSACTION 'pgtv_test_rollback'`);
          await client.query(`ROLLBACK PREPARED 'pgtv_test_rollback'`);
          const { rows } = await client.query(`SELECT count(*)::int AS n FROM tv_post WHERE data->'author'->>'name' = 'Never Published'`);
          expect(rows[0].n).toBe(0);
          expect(await driftCount(client, 'post')).toBe(0);
        } finally {
          await client.end();
        }
      });
    });

    it('has no pg_tviews_commit_prepared in this release: the call fails as an unknown function', async () => {
      await withFixtureClone('twopc_fn', async (url) => {
        const client = await connect(url);
        try {
          await expect(client.query(`SELECT tviews.pg_tviews_commit_prepared('x')`)).rejects.toThrow(/function tviews.pg_tviews_commit_prepared\(unknown\) does not exist/);
          const { rows } = await client.query(`SELECT to_regclass('tviews.pg_tview_pending_refreshes') AS t`);
          expect(rows[0].t).toBeNull();
        } finally {
          await client.end();
        }
      });
    });
  });
});
