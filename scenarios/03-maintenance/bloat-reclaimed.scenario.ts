import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * Mass updates of tb_comment make pg_tviews rewrite every row of tv_comment twice, leaving dead
 * rows in the table and dead entries in its indexes. The table-analysis runbook must measure
 * that bloat (estimated from statistics before pgstattuple is installed, exactly after), and
 * its remedies must reclaim it: VACUUM turns dead rows into reusable space without shrinking
 * the file, REINDEX CONCURRENTLY gives an index its compact size back while pg_tviews keeps it
 * as its own lookup index, and a full refresh of the TVIEW rewrites the table at its fresh size.
 * autovacuum is switched off for tv_comment so that only the runbook's steps vacuum it.
 */

type Row = Record<string, string | null>;
const MB = 1024 * 1024;

export default defineScenario({
  title: 'Bloat after mass updates is measured (estimate, then pgstattuple), VACUUM makes it reusable, REINDEX CONCURRENTLY and a refresh give the space back',
  runbook: '03-maintenance/table-analysis',
  timeout: '3min',
  async run(t) {
    const bloat = async () => {
      const { rows } = await t.snippet('maintenance/tview-bloat');
      const find = (object: string) => rows.find((r) => r.object === object)!;
      return { rows, table: find('tv_comment'), index: find('idx_tv_comment_fk_post_pk_comment') };
    };
    const pct = (row: Row, column: string) => Number(row[column]);
    const bytes = async (relation: string) => Number((await t.sql<{ n: string }>(`SELECT pg_relation_size($1::regclass)::text AS n`, [relation]))[0].n);
    let fresh: { table: number; index: number } = { table: 0, index: 0 };

    await t.step('setup: autovacuum off for tv_comment; pgstattuple not installed yet', async () => {
      await t.sql(`ALTER TABLE tv_comment SET (autovacuum_enabled = off)`);
      await t.sql(`DROP EXTENSION IF EXISTS pgstattuple`);
      fresh = { table: await bytes('tv_comment'), index: await bytes('idx_tv_comment_fk_post_pk_comment') };
      const { table } = await bloat();
      assert.equal(table.method, 'estimate');
      assert.ok(pct(table, 'bloat_pct') < 10, `the fixture's tv_comment is freshly written: ${table.bloat_pct} %`);
    });

    await t.step('inject: every comment edited twice and re-linked to another post, each change refreshed into tv_comment', async () => {
      const writer = await t.session('writer');
      await writer.query(`UPDATE tb_comment SET body = body || ' (edited)'`);
      await writer.query(`UPDATE tb_comment SET body = body || ' (edited again)', fk_post = 1 + (fk_post % 2000)`);
      await writer.query('SELECT pg_stat_force_next_flush()');
      await writer.end();
      await t.sql(`ANALYZE tv_comment`);
    });

    await t.step('measure without pgstattuple: the estimate sees the table and its lookup index grown with dead space', async () => {
      const { table, index } = await bloat();
      assert.equal(table.method, 'estimate');
      assert.ok(pct(table, 'bloat_pct') > 30, `table bloat estimated at ${table.bloat_pct} %`);
      assert.ok(pct(table, 'dead_pct') > 20, `dead rows estimated at ${table.dead_pct} %`);
      assert.ok(pct(index, 'bloat_pct') > 30, `index bloat estimated at ${index.bloat_pct} %`);
    });

    let measured: { table: Row; index: Row } | undefined;
    await t.step('measure exactly: install pgstattuple, which reads every page', async () => {
      const installed = await t.snippet('maintenance/install-pgstattuple');
      assert.equal(installed.rows[0].extension, 'pgstattuple');
      const { table, index } = await bloat();
      measured = { table, index };
      assert.equal(table.method, 'pgstattuple');
      assert.ok(pct(table, 'dead_pct') > 20, `dead rows: ${table.dead_pct} %`);
      assert.ok(pct(table, 'bloat_pct') > 30, `table bloat: ${table.bloat_pct} %`);
      assert.ok(pct(index, 'bloat_pct') > 30, `index bloat: ${index.bloat_pct} % (leaf density ${index.live_pct} %)`);
      assert.ok(Number(table.bloat_bytes) > 0 && Number(index.bloat_bytes) > 0);
    });

    await t.step('VACUUM: no dead rows left, the space is free for new rows, the file keeps its size', async () => {
      const sizeBefore = await bytes('tv_comment');
      const { rows } = await t.snippet('maintenance/vacuum-analyze-tviews', { only: 'comment' });
      assert.ok(rows.some((r) => r.table_name === 'tv_comment' && r.dead_rows === '0' && r.last_vacuum !== null));
      const { table } = await bloat();
      assert.equal(pct(table, 'dead_pct'), 0);
      assert.ok(pct(table, 'free_pct') > pct(measured!.table, 'free_pct'), `free space ${measured!.table.free_pct} % -> ${table.free_pct} %`);
      assert.equal(await bytes('tv_comment'), sizeBefore, 'VACUUM does not shrink the file');
      assert.ok(pct(table, 'bloat_pct') > 30, 'the space is reusable, not returned');
    });

    await t.step('REINDEX CONCURRENTLY: the lookup index back to its compact size, still pg_tviews\' own', async () => {
      const before = await bytes('idx_tv_comment_fk_post_pk_comment');
      const { rows } = await t.snippet('maintenance/reindex-concurrently', { schema: 'public', index_name: 'idx_tv_comment_fk_post_pk_comment' });
      assert.deepEqual(rows.map((r) => [r.index_name, r.valid]), [['idx_tv_comment_fk_post_pk_comment', 't']]);
      const after = await bytes('idx_tv_comment_fk_post_pk_comment');
      assert.ok(after < before * 0.6, `index ${(before / MB).toFixed(2)} MB -> ${(after / MB).toFixed(2)} MB`);
      assert.ok(after <= fresh.index * 1.1, `as small as when the fixture built it (${fresh.index} bytes): ${after}`);
      const { index } = await bloat();
      assert.ok(pct(index, 'bloat_pct') < 5, `index bloat after REINDEX: ${index.bloat_pct} %`);
      const [{ managed }] = await t.sql<{ managed: string[] }>(`SELECT managed_indexes::text[] AS managed FROM tviews.registry WHERE entity = 'comment'`);
      assert.ok(managed.includes('idx_tv_comment_fk_post_pk_comment'), `managed_indexes: ${managed}`);
      assert.deepEqual((await t.snippet('troubleshoot/missing-indexes')).rows, []);
      const usage = (await t.snippet('maintenance/index-usage')).rows.find((r) => r.index_name === 'idx_tv_comment_fk_post_pk_comment')!;
      assert.equal(usage.kind, 'pg_tviews lookup on fk_post');
      assert.equal(usage.valid, 't');
      // pg_tviews uses the rebuilt index for its lookups: a post rename still reaches its comments.
      await t.sql(`UPDATE tb_post SET title = 'Renamed after the reindex' WHERE pk_post = 9`);
      assert.equal((await t.snippet('refresh/verify-equal', { entity: 'comment' })).rows[0].status, 'EQUAL');
    });

    await t.step('a full refresh rewrites the table at its fresh size (under an exclusive lock: the runbook says when)', async () => {
      const before = await bytes('tv_comment');
      await t.sql(`SELECT tviews.pg_tviews_refresh('comment')`);
      const after = await bytes('tv_comment');
      assert.ok(after < before * 0.75, `table ${(before / MB).toFixed(2)} MB -> ${(after / MB).toFixed(2)} MB`);
      const { table } = await bloat();
      assert.ok(pct(table, 'bloat_pct') < 10, `table bloat after the refresh: ${table.bloat_pct} %`);
      assert.equal(pct(table, 'dead_pct'), 0);
    });
  },
});
