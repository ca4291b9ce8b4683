import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { loadTargets } from '../../src/config/targets.ts';
import { connect, driftCount, failure, one, serverOf, targetIds, withClient, withFixtureClone } from './helpers.ts';

/**
 * Proof that the real pg_tviews works on every target's verification server, and pins of
 * the facts of docs/pg_tviews-facts.md about what a TVIEW is, how it is created, named,
 * maintained and checked. Each test runs on every target of targets.env.
 */

describe.each(targetIds())('pg_tviews on %s', (target) => {
  const expected = loadTargets().all.find((t) => t.id === target)!;

  describe('versions and installation', () => {
    it('runs the pg_tviews release and the PostgreSQL of targets.env', async () => {
      const info = serverOf(target);
      expect(info.pgTviewsVersion).toBe(expected.pgTviewsVersion);
      expect(info.postgresVersion).toBe(expected.postgresVersion);
      await withClient('version', target, async (client) => {
        const row = await one(client, `SELECT tviews.pg_tviews_version() AS library, (SELECT extversion FROM pg_extension WHERE extname = 'pg_tviews') AS sql, current_setting('server_version_num')::int / 10000 AS major`);
        expect(row).toEqual({ library: expected.pgTviewsVersion, sql: expected.pgTviewsVersion, major: expected.postgresMajor });
      });
    });

    it('keeps every object in schema tviews, functions with their pg_tviews_ prefix', async () => {
      await withClient('schema', target, async (client) => {
        const row = await one(client, `
          SELECT e.extnamespace::regnamespace::text AS schema,
                 count(*) FILTER (WHERE d.classid = 'pg_proc'::regclass AND p.pronamespace <> e.extnamespace)::int AS functions_elsewhere,
                 count(*) FILTER (WHERE d.classid = 'pg_class'::regclass AND c.relnamespace <> e.extnamespace)::int AS relations_elsewhere
          FROM pg_extension e
          JOIN pg_depend d ON d.refobjid = e.oid AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
          LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
          LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
          WHERE e.extname = 'pg_tviews' GROUP BY e.extnamespace`);
        expect(row).toEqual({ schema: 'tviews', functions_elsewhere: 0, relations_elsewhere: 0 });
        // Unqualified, the functions are not found unless tviews is on the search_path.
        expect((await failure(client.query(`SELECT pg_tviews_health_check()`))).code).toBe('42883');
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM tviews.pg_tviews_health_check()`);
        expect(rows[0].n).toBeGreaterThan(0);
      });
    });

    it('ships upgrade scripts from 0.1.0-beta.20 on, but installs only its own version', async () => {
      await withClient('update', target, async (client) => {
        const { rows: versions } = await client.query(`SELECT version FROM pg_available_extension_versions WHERE name = 'pg_tviews'`);
        expect(versions.map((r) => r.version)).toEqual([expected.pgTviewsVersion]);
        const { rows: paths } = await client.query(
          `SELECT source FROM pg_extension_update_paths('pg_tviews') WHERE target = $1 AND path IS NOT NULL ORDER BY string_to_array(split_part(source, 'beta.', 2), '.')::int[]`,
          [expected.pgTviewsVersion],
        );
        expect(paths[0].source).toBe('0.1.0-beta.20');
        const notices: string[] = [];
        client.on('notice', (n) => notices.push(n.message ?? ''));
        await client.query('ALTER EXTENSION pg_tviews UPDATE');
        expect(notices).toContain(`version "${expected.pgTviewsVersion}" of extension "pg_tviews" is already installed`);
      });
    });
  });

  describe('TVIEWs', () => {
    it('registered the fixture TVIEWs with backing views tviews.<schema>__<table>, and they start in sync', async () => {
      await withClient('registry', target, async (client) => {
        const { rows } = await client.query(`SELECT schema, name, entity, view::text AS view FROM tviews.registry ORDER BY entity`);
        expect(rows).toEqual([
          { schema: 'public', name: 'tv_comment', entity: 'comment', view: 'tviews.public__tv_comment' },
          { schema: 'public', name: 'tv_post', entity: 'post', view: 'tviews.public__tv_post' },
          { schema: 'public', name: 'tv_user', entity: 'user', view: 'tviews.public__tv_user' },
        ]);
        for (const entity of ['user', 'post', 'comment']) expect(await driftCount(client, entity)).toBe(0);
        const counts = await one(client, `SELECT (SELECT count(*) FROM tv_user)::int AS users, (SELECT count(*) FROM tv_post)::int AS posts, (SELECT count(*) FROM tv_comment)::int AS comments`);
        expect(counts).toEqual({ users: 1000, posts: 2000, comments: 5000 });
        // No v_<entity> any more.
        expect(await one(client, `SELECT to_regclass('public.v_post') AS v`)).toEqual({ v: null });
      });
    });

    it('describes each TVIEW in tviews.registry (read contract 2)', async () => {
      await withClient('registry_columns', target, async (client) => {
        const { rows } = await client.query(`SELECT attname FROM pg_attribute WHERE attrelid = 'tviews.registry'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`);
        expect(rows.map((r) => r.attname)).toEqual([
          'schema', 'name', 'entity', 'query', 'options', 'view', 'identity', 'base_tables', 'cascade_kinds',
          'uncascaded_tables', 'time_dependent', 'managed_indexes', 'needs_reregister', 'references', 'typename',
        ]);
        expect(await one(client, `SELECT tviews.contract_version() AS v`)).toEqual({ v: 2 });
        const post = await one(client, `SELECT identity, base_tables::text[] AS base_tables, cascade_kinds, options->'logged' AS logged, needs_reregister FROM tviews.registry WHERE entity = 'post'`);
        expect(post).toEqual({
          identity: ['pk_post'],
          base_tables: ['tb_post', 'tb_user'],
          cascade_kinds: { tb_post: 'local', tb_user: 'mapped' },
          logged: true,
          needs_reregister: false,
        });
        const { rows: options } = await client.query(`SELECT DISTINCT jsonb_object_keys(options) AS k FROM tviews.registry ORDER BY 1`);
        expect(options.map((r) => r.k)).toEqual([
          'data_compression', 'data_gin_index', 'data_storage', 'fillfactor', 'function_reads', 'group_keys', 'indexes', 'logged',
          'time_refresh', 'toast_tuple_target', 'typename', 'uncascaded_policy', 'uncascaded_tables',
        ]);
        expect(await one(client, `SELECT options->'fillfactor' AS fillfactor, options->>'uncascaded_policy' AS policy FROM tviews.registry WHERE entity = 'post'`)).toEqual({ fillfactor: 85, policy: 'error' });
        expect(await one(client, `SELECT managed_indexes::text[] AS idx FROM tviews.registry WHERE entity = 'comment'`)).toEqual({
          idx: ['idx_tv_comment_fk_post_pk_comment', 'idx_tv_comment_fk_user_pk_comment', 'idx_tv_comment_id'],
        });
        const comment = await one(client, `SELECT cascade_kinds FROM tviews.registry WHERE entity = 'comment'`);
        expect(comment.cascade_kinds).toEqual({ tb_comment: 'local', tb_post: 'propagated', tb_user: 'propagated' });
      });
    });

    it('creates a TVIEW from CREATE TABLE tv_x AS SELECT: LOGGED, its definition\'s columns only, a backing view, triggers', async () => {
      await withClient('create', target, async (client) => {
        await client.query(`CREATE TABLE tb_tag (pk_tag bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid(), label text NOT NULL)`);
        await client.query(`INSERT INTO tb_tag (label) VALUES ('incident'), ('postmortem')`);
        await client.query(`CREATE TABLE tv_tag AS SELECT t.pk_tag, t.id, jsonb_build_object('label', t.label) AS data FROM tb_tag t`);
        expect(await one(client, `SELECT entity, view::text AS view FROM tviews.registry WHERE name = 'tv_tag'`)).toEqual({ entity: 'tag', view: 'tviews.public__tv_tag' });
        expect(await one(client, `SELECT to_regclass('public.v_tag') AS v, relpersistence FROM pg_class WHERE oid = 'tv_tag'::regclass`)).toEqual({ v: null, relpersistence: 'p' });
        const { rows: columns } = await client.query(`SELECT attname FROM pg_attribute WHERE attrelid = 'tv_tag'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attname`);
        expect(columns.map((r) => r.attname)).toEqual(['data', 'id', 'pk_tag']);
        const triggers = await client.query(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'tb_tag'::regclass ORDER BY 1`);
        expect(triggers.rows.map((r) => r.tgname)).toEqual([
          'trg_tview_flush_tag_on_public_tb_tag',
          'trg_tview_row_tag_on_public_tb_tag',
          'trg_tview_truncate_tag_on_public_tb_tag',
        ]);
        expect(await driftCount(client, 'tag')).toBe(0);
        await client.query(`INSERT INTO tb_tag (label) VALUES ('runbook')`);
        expect(await one(client, `SELECT count(*)::int AS n FROM tv_tag`)).toEqual({ n: 3 });
      });
    });

    it('orders a TVIEW table\'s columns pk, id, data, then the rest: compare it with its view by column name, not SELECT *', async () => {
      await withClient('column_order', target, async (client) => {
        const columns = async (rel: string) =>
          (await client.query(`SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [rel])).rows.map((r) => r.attname);
        expect(await columns('tv_post')).toEqual(['pk_post', 'id', 'data', 'fk_user', 'user_id']);
        expect(await columns('tviews.public__tv_post')).toEqual(['pk_post', 'id', 'fk_user', 'user_id', 'data']);
        expect((await failure(client.query(`SELECT * FROM tv_post EXCEPT SELECT * FROM tviews.public__tv_post`))).code).toBe('42804');
      });
    });

    it('makes a TVIEW UNLOGGED only when asked; the pg_tviews.unlogged_by_default setting is gone', async () => {
      await withClient('unlogged', target, async (client) => {
        const gone = await failure(client.query(`SET pg_tviews.unlogged_by_default = on`));
        expect(gone.code).toBe('42602');
        expect(gone.message).toBe('invalid configuration parameter name "pg_tviews.unlogged_by_default"');
        await client.query(`CREATE UNLOGGED TABLE tv_badge AS SELECT u.pk_user AS pk_badge, u.id, jsonb_build_object('name', u.name) AS data FROM tb_user u`);
        expect(await one(client, `SELECT relpersistence FROM pg_class WHERE oid = 'tv_badge'::regclass`)).toEqual({ relpersistence: 'u' });
        expect(await one(client, `SELECT options->'logged' AS logged FROM tviews.registry WHERE entity = 'badge'`)).toEqual({ logged: false });
        const { rows } = await client.query(`SELECT entity, persistence, replica_readable FROM tviews.pg_tviews_replication_status() ORDER BY entity`);
        expect(rows).toEqual([
          { entity: 'badge', persistence: 'unlogged', replica_readable: false },
          { entity: 'comment', persistence: 'logged', replica_readable: true },
          { entity: 'post', persistence: 'logged', replica_readable: true },
          { entity: 'user', persistence: 'logged', replica_readable: true },
        ]);
      });
    });

    it('accepts a TVIEW whose rows are another table\'s: no tb_<entity> is needed any more', async () => {
      await withClient('no_base', target, async (client) => {
        await client.query(`CREATE TABLE tv_author AS SELECT u.pk_user AS pk_author, u.id, jsonb_build_object('name', u.name) AS data FROM tb_user u`);
        expect(await one(client, `SELECT to_regclass('tb_author') AS tb, base_tables::text[] AS base_tables, cascade_kinds FROM tviews.registry WHERE entity = 'author'`)).toEqual({
          tb: null,
          base_tables: ['tb_user'],
          cascade_kinds: { tb_user: 'local' },
        });
        await client.query(`UPDATE tb_user SET name = 'Author Renamed' WHERE pk_user = 3`);
        expect(await one(client, `SELECT data->>'name' AS name FROM tv_author WHERE pk_author = 3`)).toEqual({ name: 'Author Renamed' });
      });
    });

    it('follows a TVIEW composed from another TVIEW\'s table, as one composed from its backing view', async () => {
      await withClient('compose', target, async (client) => {
        await client.query(`CREATE TABLE tv_note AS SELECT c.pk_comment AS pk_note, c.id, c.fk_post, jsonb_build_object('body', c.body, 'post', p.data) AS data FROM tb_comment c JOIN tv_post p ON p.pk_post = c.fk_post`);
        expect(await one(client, `SELECT cascade_kinds FROM tviews.registry WHERE entity = 'note'`)).toEqual({ cascade_kinds: { tb_comment: 'local', tv_post: 'propagated' } });
        const { pk } = await one<{ pk: number }>(client, `SELECT p.fk_user AS pk FROM tb_post p WHERE EXISTS (SELECT 1 FROM tb_comment c WHERE c.fk_post = p.pk_post) ORDER BY p.pk_post LIMIT 1`);
        await client.query(`UPDATE tb_user SET name = 'Composed' WHERE pk_user = $1`, [pk]);
        const row = await one(client, `SELECT (SELECT count(*) FROM tv_note WHERE data->'post'->'author'->>'name' = 'Composed')::int AS note, (SELECT count(*) FROM tv_comment WHERE data->'post'->'author'->>'name' = 'Composed')::int AS comment`);
        expect(row.note).toBeGreaterThan(0);
        expect(row.note).toBe(row.comment);
        expect(await driftCount(client, 'note')).toBe(0);
      });
    });

    it('names its triggers trg_tview_<kind>_<entity>_on_<schema>_<table>: row, delta_i/u/d, flush, truncate', async () => {
      await withClient('triggers', target, async (client) => {
        const { rows } = await client.query(`
          SELECT tgrelid::regclass::text AS tab, tgname, tgfoid::regproc::text AS fn
          FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN ('tb_user'::regclass, 'tb_post'::regclass, 'tb_comment'::regclass)
          ORDER BY 1, 2`);
        expect(rows).toEqual([
          { tab: 'tb_comment', tgname: 'trg_tview_flush_comment_on_public_tb_comment', fn: 'tviews.pg_tview_flush_trigger' },
          { tab: 'tb_comment', tgname: 'trg_tview_row_comment_on_public_tb_comment', fn: 'tviews.pg_tview_trigger_handler' },
          { tab: 'tb_comment', tgname: 'trg_tview_truncate_comment_on_public_tb_comment', fn: 'tviews.pg_tview_truncate_trigger' },
          { tab: 'tb_post', tgname: 'trg_tview_flush_post_on_public_tb_post', fn: 'tviews.pg_tview_flush_trigger' },
          { tab: 'tb_post', tgname: 'trg_tview_row_post_on_public_tb_post', fn: 'tviews.pg_tview_trigger_handler' },
          { tab: 'tb_post', tgname: 'trg_tview_truncate_post_on_public_tb_post', fn: 'tviews.pg_tview_truncate_trigger' },
          { tab: 'tb_user', tgname: 'trg_tview_delta_d_post_on_public_tb_user', fn: 'tviews.pg_tview_delta_trigger' },
          { tab: 'tb_user', tgname: 'trg_tview_delta_i_post_on_public_tb_user', fn: 'tviews.pg_tview_delta_trigger' },
          { tab: 'tb_user', tgname: 'trg_tview_delta_u_post_on_public_tb_user', fn: 'tviews.pg_tview_delta_trigger' },
          { tab: 'tb_user', tgname: 'trg_tview_flush_post_on_public_tb_user', fn: 'tviews.pg_tview_flush_trigger' },
          { tab: 'tb_user', tgname: 'trg_tview_flush_user_on_public_tb_user', fn: 'tviews.pg_tview_flush_trigger' },
          { tab: 'tb_user', tgname: 'trg_tview_row_user_on_public_tb_user', fn: 'tviews.pg_tview_trigger_handler' },
          { tab: 'tb_user', tgname: 'trg_tview_truncate_post_on_public_tb_user', fn: 'tviews.pg_tview_truncate_trigger' },
          { tab: 'tb_user', tgname: 'trg_tview_truncate_user_on_public_tb_user', fn: 'tviews.pg_tview_truncate_trigger' },
        ]);
        // Only the row triggers fire per row; only the delta triggers have transition tables.
        const { rows: kinds } = await client.query(`
          SELECT tgname, (tgtype & 1) = 1 AS per_row, tgoldtable IS NOT NULL OR tgnewtable IS NOT NULL AS transition
          FROM pg_trigger WHERE tgname LIKE 'trg_tview_%' AND ((tgtype & 1) = 1 OR tgoldtable IS NOT NULL OR tgnewtable IS NOT NULL) ORDER BY 1`);
        expect(kinds).toEqual([
          { tgname: 'trg_tview_delta_d_post_on_public_tb_user', per_row: false, transition: true },
          { tgname: 'trg_tview_delta_i_post_on_public_tb_user', per_row: false, transition: true },
          { tgname: 'trg_tview_delta_u_post_on_public_tb_user', per_row: false, transition: true },
          { tgname: 'trg_tview_row_comment_on_public_tb_comment', per_row: true, transition: false },
          { tgname: 'trg_tview_row_post_on_public_tb_post', per_row: true, transition: false },
          { tgname: 'trg_tview_row_user_on_public_tb_user', per_row: true, transition: false },
        ]);
      });
    });

    it('refreshes the TVIEWs of a truncated source table through its TRUNCATE trigger', async () => {
      await withClient('truncate', target, async (client) => {
        await client.query(`SELECT tviews.pg_tviews_stats_reset()`);
        await client.query(`TRUNCATE tb_comment`);
        expect(await one(client, `SELECT count(*)::int AS n FROM tv_comment`)).toEqual({ n: 0 });
        // A full refresh: its rows are not counted in rows_written; run by a trigger, its time is in refresh_ms.
        expect(await one(client, `SELECT full_refreshes::int AS n, rows_written::int AS written, refresh_ms > 0 AS timed FROM tviews.stats WHERE entity = 'comment'`)).toEqual({ n: 1, written: 0, timed: true });
        expect(await driftCount(client, 'comment')).toBe(0);
      });
    });
  });

  describe('writes', () => {
    it('applies INSERT, UPDATE and DELETE on tb_ to tv_ in the writing transaction, invisible to others before commit', async () => {
      await withFixtureClone(
        'dml',
        async (url) => {
          const writer = await connect(url);
          const reader = await connect(url);
          try {
            await writer.query('BEGIN');
            await writer.query(`INSERT INTO tb_user (identifier, name, email) VALUES ('new-user', 'New User', 'new@example.test')`);
            await writer.query(`UPDATE tb_user SET name = 'Changed' WHERE identifier = 'user-1'`);
            await writer.query(`DELETE FROM tb_comment WHERE pk_comment = 1`);
            expect(await one(reader, `SELECT count(*)::int AS n FROM tv_user WHERE data->>'name' IN ('New User', 'Changed')`)).toEqual({ n: 0 });
            expect(await one(writer, `SELECT count(*)::int AS n FROM tv_user WHERE data->>'name' IN ('New User', 'Changed')`)).toEqual({ n: 2 });
            await writer.query('COMMIT');
            expect(await one(reader, `SELECT count(*)::int AS n FROM tv_user WHERE data->>'name' IN ('New User', 'Changed')`)).toEqual({ n: 2 });
            expect(await one(reader, `SELECT count(*)::int AS n FROM tv_comment WHERE pk_comment = 1`)).toEqual({ n: 0 });
            for (const entity of ['user', 'post', 'comment']) expect(await driftCount(reader, entity)).toBe(0);
          } finally {
            await writer.end();
            await reader.end();
          }
        },
        target,
      );
    });

    it('cascades a change of tb_user to the posts and comments that embed the user, without a WARNING to the client', async () => {
      await withClient('cascade', target, async (client) => {
        const notices: string[] = [];
        client.on('notice', (n) => notices.push(`${n.severity}: ${n.message}`));
        const { pk } = await one<{ pk: number }>(client, `SELECT fk_user AS pk FROM tb_post p WHERE EXISTS (SELECT 1 FROM tb_comment c WHERE c.fk_post = p.pk_post) ORDER BY pk_post LIMIT 1`);
        await client.query(`UPDATE tb_user SET name = 'Cascade Check' WHERE pk_user = $1`, [pk]);
        const row = await one(client, `SELECT (SELECT count(*) FROM tv_post WHERE data->'author'->>'name' = 'Cascade Check')::int AS posts, (SELECT count(*) FROM tv_comment WHERE data->'post'->'author'->>'name' = 'Cascade Check')::int AS comments`);
        expect(row.posts).toBeGreaterThan(0);
        expect(row.comments).toBeGreaterThan(0);
        for (const entity of ['user', 'post', 'comment']) expect(await driftCount(client, entity)).toBe(0);
        // Without jsonb_delta, beta.20 warned on every cascading write; now the server log says it once.
        expect(notices).toEqual([]);
      });
    });

    it('applies a constraint added to a tv_ table to pg_tviews\' own writes: the source write fails with it', async () => {
      await withClient('constraint', target, async (client) => {
        await client.query(`ALTER TABLE tv_comment ADD CONSTRAINT no_bang CHECK (data->>'body' NOT LIKE '%!%') NOT VALID`);
        const write = await failure(client.query(`UPDATE tb_comment SET body = body || '!' WHERE pk_comment = 9`));
        expect(write.code).toBe('23514');
        expect(write.where).toMatch(/^SQL statement "WITH src AS \(SELECT .* FROM tviews\.public__tv_comment WHERE "pk_comment" = \$1::pg_catalog\.int8\), written AS \(INSERT INTO public\.tv_comment/);
        expect(await one(client, `SELECT count(*)::int AS n FROM tb_comment WHERE body LIKE '%!%'`)).toEqual({ n: 0 });
        await client.query(`ALTER TABLE tv_comment ADD CONSTRAINT not_nine CHECK (pk_comment <> 9) NOT VALID`);
        const refresh = await failure(client.query(`SELECT tviews.pg_tviews_refresh('comment')`));
        expect(refresh.code).toBe('23514');
        expect(refresh.where).toMatch(/^SQL statement "INSERT INTO public\.tv_comment \(.*\) SELECT .* FROM tviews\.public__tv_comment"$/);
      });
    });
  });

  describe('health check', () => {
    it('answers one row per component; without jsonb_delta that row is a WARNING', async () => {
      await withClient('health', target, async (client) => {
        const { rows } = await client.query(`SELECT status, component, severity FROM tviews.pg_tviews_health_check()`);
        expect(rows.map((r) => r.component)).toEqual(['extension', 'jsonb_delta', 'catalog', 'metadata', 'plans', 'reregister', 'triggers', 'tviews']);
        const status = Object.fromEntries(rows.map((r) => [r.component, r.status]));
        expect(status).toEqual({ extension: 'OK', jsonb_delta: 'WARNING', catalog: 'OK', metadata: 'OK', plans: 'OK', reregister: 'OK', triggers: 'OK', tviews: 'OK' });
        expect(await one(client, `SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'jsonb_delta'`)).toEqual({ n: 0 });
      });
    });

    it('does not compare rows: a TVIEW out of step with its view still passes every check', async () => {
      await withClient('health_drift', target, async (client) => {
        await client.query(`UPDATE tv_post SET data = jsonb_set(data, '{title}', '"corrupted"') WHERE pk_post = 10`);
        expect(await driftCount(client, 'post')).toBe(2);
        const { rows } = await client.query(`SELECT component FROM tviews.pg_tviews_health_check() WHERE status <> 'OK'`);
        expect(rows.map((r) => r.component)).toEqual(['jsonb_delta']);
      });
    });
  });

  describe('refresh basics', () => {
    it('pg_tviews_refresh(tview) restores a deliberately corrupted tv_ row; it takes the entity, tv_<entity> or schema.tv_<entity>', async () => {
      await withClient('refresh', target, async (client) => {
        for (const name of ['post', 'tv_post', 'public.tv_post']) {
          await client.query(`UPDATE tv_post SET data = jsonb_set(data, '{title}', '"corrupted"') WHERE pk_post = 10`);
          await client.query(`DELETE FROM tv_post WHERE pk_post = 11`);
          expect(await driftCount(client, 'post')).toBe(3);
          await client.query(`SELECT tviews.pg_tviews_refresh(tview => $1)`, [name]);
          expect(await driftCount(client, 'post')).toBe(0);
        }
      });
    });

    it('has no force argument and no entity => name: both fail as unknown functions', async () => {
      await withClient('refresh_args', target, async (client) => {
        const force = await failure(client.query(`SELECT tviews.pg_tviews_refresh('post', force => true)`));
        expect(force).toMatchObject({ code: '42883', message: 'function tviews.pg_tviews_refresh(unknown, force => boolean) does not exist' });
        expect((await failure(client.query(`SELECT tviews.pg_tviews_refresh(entity => 'post')`))).code).toBe('42883');
      });
    });
  });

  describe('errors carry real SQLSTATEs', () => {
    it('42704 for a TVIEW that does not exist, 42P07 for one that does, 42601 for two statements, 42804 for a non-integer key, 55000 for a resume without a suspend', async () => {
      await withClient('sqlstates', target, async (client) => {
        expect(await failure(client.query(`SELECT tviews.pg_tviews_refresh('nope')`))).toMatchObject({ code: '42704', message: 'TVIEW nope does not exist' });
        expect(await failure(client.query(`SELECT tviews.pg_tviews_drop('nope')`))).toMatchObject({ code: '42704', message: 'Failed to drop TVIEW: TVIEW nope does not exist' });
        expect(await failure(client.query(`SELECT * FROM tviews.pg_tviews_show_cascade_path('nope')`))).toMatchObject({ code: '42704' });
        expect(await one(client, `SELECT tviews.pg_tviews_drop('nope', true) AS r`)).toMatchObject({ r: 'TVIEW nope does not exist, nothing dropped' });
        expect(await failure(client.query(`SELECT tviews.pg_tviews_create('tv_post', 'SELECT pk_user AS pk_post, id, jsonb_build_object(''a'', 1) AS data FROM tb_user')`))).toMatchObject({ code: '42P07', message: 'TVIEW tv_post already exists' });
        expect(await failure(client.query(`CREATE TABLE tv_post AS SELECT pk_user AS pk_post, id, jsonb_build_object('a', 1) AS data FROM tb_user`))).toMatchObject({ code: '42P07', message: 'TVIEW tv_post already exists' });
        expect((await failure(client.query(`SELECT tviews.pg_tviews_create('tv_twice', 'SELECT pk_user AS pk_twice, id, ''{}''::jsonb AS data FROM tb_user; SELECT 1')`))).code).toBe('42601');
        expect((await failure(client.query(`SELECT tviews.pg_tviews_create('tv_textkey', 'SELECT identifier AS pk_textkey, id, ''{}''::jsonb AS data FROM tb_user')`))).code).toBe('42804');
        expect(await failure(client.query(`SELECT tviews.pg_tviews_resume_triggers()`))).toMatchObject({ code: '55000', message: 'Cannot resume: not suspended' });
      });
    });
  });

  describe('privileges', () => {
    it('keeps the maintenance functions from PUBLIC, and pg_tviews_refresh for the TVIEW\'s owner', async () => {
      await withClient('privileges', target, async (client) => {
        const { rows } = await client.query(`
          SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'tviews'::regnamespace
            AND NOT EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
          ORDER BY 1`);
        expect(rows.map((r) => r.proname)).toEqual([
          'pg_tviews_audit_write',
          'pg_tviews_ensure_propagation_indexes',
          'pg_tviews_invalidate_caches',
          'pg_tviews_rebuild_all',
          'pg_tviews_refresh_all',
          'pg_tviews_reregister_all',
          'pg_tviews_stats_reset',
        ]);
        const role = `pgtv_probe_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
        await client.query(`CREATE ROLE ${role}`);
        try {
          await client.query(`GRANT USAGE ON SCHEMA tviews TO ${role}`);
          await client.query('BEGIN');
          await client.query(`SET LOCAL ROLE ${role}`);
          await client.query('SAVEPOINT s');
          expect(await failure(client.query(`SELECT tviews.pg_tviews_refresh_all()`))).toMatchObject({ code: '42501', message: 'permission denied for function pg_tviews_refresh_all' });
          await client.query('ROLLBACK TO SAVEPOINT s');
          expect(await failure(client.query(`SELECT tviews.pg_tviews_refresh('post')`))).toMatchObject({ code: '42501', message: 'must be owner of TVIEW public.tv_post' });
          await client.query('ROLLBACK TO SAVEPOINT s');
          expect(await failure(client.query(`SET pg_tviews.max_queue_size = 5`))).toMatchObject({ code: '42501' });
          await client.query('ROLLBACK TO SAVEPOINT s');
          // What anyone may read: the registry, the statistics and the health check.
          expect(await one(client, `SELECT (SELECT count(*) FROM tviews.registry)::int AS registry, (SELECT count(*) FROM tviews.stats)::int AS stats, (SELECT count(*) FROM tviews.pg_tviews_health_check())::int AS health`)).toMatchObject({ registry: 3, stats: 3, health: 8 });
          // The backing view is readable by whoever may read the TVIEW's table, and only by them.
          expect((await failure(client.query(`SELECT 1 FROM tviews.public__tv_post LIMIT 1`))).code).toBe('42501');
          await client.query('ROLLBACK');
          await client.query(`GRANT SELECT ON tv_post TO ${role}`);
          expect(await one(client, `SELECT has_table_privilege($1, 'tviews.public__tv_post', 'SELECT') AS view, has_table_privilege($1, 'tviews.public__tv_user', 'SELECT') AS other`, [role])).toEqual({ view: true, other: false });
        } finally {
          await client.query('ROLLBACK').catch(() => undefined);
          await client.query(`DROP OWNED BY ${role}`);
          await client.query(`DROP ROLE ${role}`);
        }
      });
    });
  });

  describe('settings', () => {
    it('refuses any unknown pg_tviews.* setting, the removed suspend_triggers and metrics_enabled included', async () => {
      await withClient('settings', target, async (client) => {
        for (const name of ['suspend_triggers', 'metrics_enabled', 'log_level', 'no_such_thing']) {
          expect(await failure(client.query(`SET pg_tviews.${name} = on`))).toMatchObject({ code: '42602', message: `invalid configuration parameter name "pg_tviews.${name}"` });
        }
        const { rows } = await client.query(`SELECT name, boot_val, context FROM pg_settings WHERE name LIKE 'pg_tviews.%' ORDER BY name`);
        expect(Object.fromEntries(rows.map((r) => [r.name, [r.boot_val, r.context]]))).toMatchObject({
          'pg_tviews.audit_enabled': ['off', 'superuser'],
          'pg_tviews.auto_rebuild_databases': ['*', 'postmaster'],
          'pg_tviews.batch_size': ['1000', 'user'],
          'pg_tviews.cache_size': ['10000', 'user'],
          'pg_tviews.lock_escalation_threshold': ['64', 'superuser'],
          'pg_tviews.max_dependency_depth': ['10', 'superuser'],
          'pg_tviews.max_propagation_depth': ['100', 'superuser'],
          'pg_tviews.max_queue_size': ['1000000', 'superuser'],
          'pg_tviews.max_refresh_rows': ['0', 'superuser'],
          'pg_tviews.publish_changes': ['off', 'superuser'],
          'pg_tviews.report_max_tracked': ['10000', 'user'],
        });
      });
    });
  });

  describe('what is gone since 0.1.0-beta.20', () => {
    it('has none of the placeholder views, the removed functions or the objects the plan assumed', async () => {
      await withClient('gone', target, async (client) => {
        const relations = ['tviews.pg_tviews_queue_realtime', 'tviews.pg_tviews_cache_stats', 'tviews.pg_tviews_performance_summary', 'tviews.pg_tview_pending_refreshes', 'tviews.pg_tviews_metadata', 'public.pg_tviews_metadata', 'public.v_user'];
        const { rows } = await client.query(`SELECT r, to_regclass(r) AS found FROM unnest($1::text[]) r`, [relations]);
        expect(rows.filter((r) => r.found !== null)).toEqual([]);
        const functions = [
          'pg_tviews_performance_stats', 'pg_tviews_hook_status', 'pg_tviews_insert', 'pg_tviews_delete', 'pg_tviews_cascade',
          'pg_tviews_refresh_all_entities', 'pg_tviews_recover_after_crash', 'pg_tviews_set_logged', 'pg_tviews_convert_existing_table',
          'pg_tviews_analyze_select', 'pg_tviews_infer_types', 'pg_tviews_migrate_triggers', 'pg_tviews_commit_prepared',
          'pg_tviews_rollback_prepared', 'pg_tviews_recover_prepared_transactions', 'pg_tviews_get_queue', 'pg_tviews_create_aggregate',
        ];
        const found = await client.query(`SELECT proname FROM pg_proc WHERE proname = ANY($1)`, [functions]);
        expect(found.rows).toEqual([]);
        expect(await one(client, `SELECT to_regnamespace('pg_tviews_internal') AS s`)).toEqual({ s: null });
        // The function people still call after the plan fails as unknown.
        expect(await failure(client.query(`SELECT tviews.pg_tviews_commit_prepared('x')`))).toMatchObject({ code: '42883', message: 'function tviews.pg_tviews_commit_prepared(unknown) does not exist' });
      });
    });
  });

  describe('two-phase commit', () => {
    it('makes the TVIEW change part of the prepared transaction: COMMIT PREPARED publishes it', async () => {
      await withClient('twopc_commit', target, async (client) => {
        const gid = `pgtv_commit_${process.pid}_${target}`;
        try {
          await client.query('BEGIN');
          await client.query(`UPDATE tb_user SET name = 'Prepared Name' WHERE pk_user = 7`);
          await client.query(`PREPARE TRANSACTION '${gid}'`);
          expect(await one(client, `SELECT count(*)::int AS n FROM tv_post WHERE data->'author'->>'name' = 'Prepared Name'`)).toEqual({ n: 0 });
          await client.query(`COMMIT PREPARED '${gid}'`);
          const published = await one(client, `SELECT count(*)::int AS n FROM tv_post WHERE data->'author'->>'name' = 'Prepared Name'`);
          expect(published).toEqual(await one(client, `SELECT count(*)::int AS n FROM tb_post WHERE fk_user = 7`));
          expect(await driftCount(client, 'post')).toBe(0);
        } finally {
          await client.query(`ROLLBACK PREPARED '${gid}'`).catch(() => undefined);
        }
      });
    });

    it('ROLLBACK PREPARED leaves the TVIEW unchanged', async () => {
      await withClient('twopc_rollback', target, async (client) => {
        const gid = `pgtv_rollback_${process.pid}_${target}`;
        await client.query('BEGIN');
        await client.query(`UPDATE tb_user SET name = 'Never Published' WHERE pk_user = 8`);
        await client.query(`PREPARE TRANSACTION '${gid}'`);
        await client.query(`ROLLBACK PREPARED '${gid}'`);
        expect(await one(client, `SELECT count(*)::int AS n FROM tv_post WHERE data->'author'->>'name' = 'Never Published'`)).toEqual({ n: 0 });
        expect(await driftCount(client, 'post')).toBe(0);
      });
    });

    it('refuses PREPARE TRANSACTION (25000) when the transaction has TVIEW changes to publish', async () => {
      await withClient('twopc_publish', target, async (client) => {
        await client.query('BEGIN');
        await client.query(`SET LOCAL pg_tviews.publish_changes = rows`);
        await client.query(`UPDATE tb_user SET name = 'Published' WHERE pk_user = 5`);
        const refused = await failure(client.query(`PREPARE TRANSACTION 'pgtv_publish_${process.pid}_${target}'`));
        expect(refused.code).toBe('25000');
        expect(refused.message).toMatch(/^cannot PREPARE TRANSACTION: it changed TVIEW rows while pg_tviews\.publish_changes is on/);
        expect(await one(client, `SELECT (SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE 'pgtv_publish_%')::int AS prepared, (SELECT count(*) FROM tb_user WHERE name = 'Published')::int AS written`)).toEqual({ prepared: 0, written: 0 });
      });
    });
  });
});
