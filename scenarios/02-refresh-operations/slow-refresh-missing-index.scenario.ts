import assert from 'node:assert/strict';
import { defineScenario } from '../../src/verify/scenario.ts';

/**
 * When a post changes, pg_tviews finds the comments to recompute with
 * "SELECT … FROM tv_comment WHERE fk_post = …". pg_tviews indexes tv_comment(fk_post, pk_comment)
 * when it creates the TVIEW; a TVIEW created by an older release, or one whose index someone
 * dropped as "unused", has none, and every write to tb_post then reads all of tv_comment. The
 * troubleshooting runbook must point at that column, and its fix must make each write measurably
 * cheaper: counted in buffers (pages) by pg_stat_statements, which is deterministic, and in the
 * plan of the lookup pg_tviews runs.
 */
const WRITES = 20;

export default defineScenario({
  title: 'Slow refresh: a missing index on tv_comment.fk_post is found by the troubleshooting steps, and the fix cuts the pages each write reads',
  runbook: '02-refresh-operations/refresh-troubleshooting',
  timeout: '3min',
  async run(t) {
    const database = async () => (await t.sql<{ oid: number }>(`SELECT oid FROM pg_database WHERE datname = current_database()`))[0].oid;
    const dbid = await database();

    /** WRITES single-row post renames, each its own transaction, from a fresh session; pages read per write. */
    const renamePosts = async (firstPost: number) => {
      await t.sql(`SELECT pg_stat_statements_reset(0, $1, 0)`, [dbid]);
      await t.sql(`SELECT tviews.pg_tviews_stats_reset()`);
      const writer = await t.session('writer');
      for (let pk = firstPost; pk < firstPost + WRITES; pk++) {
        await writer.query(`UPDATE tb_post SET title = title || ' (renamed)' WHERE pk_post = $1`, [pk]);
      }
      await writer.query('SELECT pg_stat_force_next_flush()'); // table statistics visible to the next snapshot
      await writer.end();
      const [{ calls, pages }] = await t.sql<{ calls: string; pages: string }>(
        `SELECT sum(calls)::text AS calls, sum(shared_blks_hit + shared_blks_read)::text AS pages
           FROM pg_stat_statements WHERE dbid = $1 AND query LIKE 'UPDATE tb_post SET title%'`,
        [dbid],
      );
      assert.equal(calls, String(WRITES));
      return Number(pages) / WRITES;
    };
    /**
     * pg_tviews' own counters since the last renamePosts: the rows written to tv_comment, and the
     * refresh time of post, whose changes are passed on to tv_comment (the search for the
     * comments to update is counted there).
     */
    const refreshStats = async () =>
      (await t.sql<{ comment_rows: string; post_ms: number }>(
        `SELECT (SELECT rows_written::text FROM tviews.stats WHERE entity = 'comment') AS comment_rows,
                (SELECT refresh_ms FROM tviews.stats WHERE entity = 'post') AS post_ms`,
      ))[0];
    let statsBefore: { comment_rows: string; post_ms: number } | undefined;
    const tvCommentScans = async () =>
      (await t.snippet('troubleshoot/table-health')).rows.find((r) => r.table_name === 'tv_comment')!;
    const lookupPlan = async () =>
      (await t.sql<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) SELECT pk_comment FROM tv_comment WHERE fk_post = 150`)).map((r) => r['QUERY PLAN']).join('\n');

    await t.step('setup: 45,000 more comments (about 25 per post), loaded with the triggers off, then one refresh', async () => {
      await t.sql(`ALTER TABLE tb_comment DISABLE TRIGGER USER`);
      await t.sql(`INSERT INTO tb_comment (fk_post, fk_user, body)
                   SELECT 1 + g % 2000, 1 + g % 1000, 'generated comment ' || g FROM generate_series(1, 45000) AS g`);
      await t.sql(`ALTER TABLE tb_comment ENABLE TRIGGER USER`);
      await t.sql(`SELECT tviews.pg_tviews_refresh('comment')`);
      await t.sql(`ANALYZE tb_comment, tv_comment`);
    });

    await t.step('inject: the propagation index on tv_comment(fk_post) is gone', async () => {
      await t.sql(`DROP INDEX idx_tv_comment_fk_post_pk_comment`);
    });

    let before = 0;
    await t.step(`symptom: ${WRITES} post renames each read the whole of tv_comment`, async () => {
      const start = await tvCommentScans();
      before = await renamePosts(101);
      statsBefore = await refreshStats();
      const scansBefore = await tvCommentScans();
      const [{ pages }] = await t.sql<{ pages: string }>(`SELECT relpages::text AS pages FROM pg_class WHERE oid = 'tv_comment'::regclass`);
      assert.ok(before > Number(pages), `each write read ${before} pages, more than tv_comment's ${pages}`);
      assert.match(await lookupPlan(), /Seq Scan on tv_comment/);

      // The diagnosis in the runbook's step: tv_comment is scanned in full once per write.
      const scans = Number(scansBefore.seq_scans) - Number(start.seq_scans);
      const rowsRead = Number(scansBefore.seq_rows_read) - Number(start.seq_rows_read);
      assert.ok(scans >= WRITES, `one full scan of tv_comment per write (${scans} scans)`);
      assert.ok(rowsRead >= WRITES * 50000, `every write read all 50,000 rows (${rowsRead} rows read by ${scans} scans)`);
    });

    await t.step('diagnose: missing-indexes names tv_comment.fk_post and gives pg_tviews\' own statement, built concurrently', async () => {
      const { rows } = await t.snippet('troubleshoot/missing-indexes');
      assert.deepEqual(rows, [
        {
          kind: 'tview propagation lookup',
          table_name: 'public.tv_comment',
          columns: 'fk_post',
          used_by: 'tv_comment rows looked up by fk_post when a post changes',
          create_statement: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_tv_comment_fk_post_pk_comment ON public.tv_comment (fk_post, pk_comment);',
        },
      ]);
      // pg_tviews' own check agrees (its dry run creates nothing) ...
      const own = await t.sql<{ ddl: string }>(`SELECT ddl FROM tviews.pg_tviews_ensure_propagation_indexes('comment', dry_run => true) AS ddl`);
      assert.deepEqual(own.map((r) => r.ddl), ['CREATE INDEX IF NOT EXISTS "idx_tv_comment_fk_post_pk_comment" ON "public"."tv_comment" ("fk_post", "pk_comment")']);
      // ... while its health check does not look at indexes at all.
      const health = await t.sql<{ component: string; status: string }>(`SELECT component, status FROM tviews.pg_tviews_health_check() WHERE status <> 'OK'`);
      assert.deepEqual(health.map((r) => r.component), ['jsonb_delta'], 'only the optional jsonb_delta warning: the missing index is not reported');
    });

    await t.step('a user index under pg_tviews\' reserved name is refused (42939)', async () => {
      await assert.rejects(
        t.sql(`CREATE INDEX idx_tv_comment_fk_post_pk_comment ON tv_comment (fk_post)`),
        (error: Error & { code?: string }) => error.code === '42939' && /reserved for pg_tviews' own index/.test(error.message),
      );
    });

    await t.step('fix: create-index builds an index on fk_post concurrently; it is valid, and missing-indexes and pg_tviews\' dry run are empty again', async () => {
      const { rows } = await t.snippet('troubleshoot/create-index', { schema: 'public', table: 'tv_comment', column: 'fk_post', index_name: 'idx_tv_comment_fk_post' });
      assert.equal(rows.length, 1);
      assert.equal(rows[0].valid, 't');
      assert.deepEqual((await t.snippet('troubleshoot/missing-indexes')).rows, []);
      const own = await t.sql(`SELECT ddl FROM tviews.pg_tviews_ensure_propagation_indexes('comment', dry_run => true) AS ddl`);
      assert.deepEqual(own, [], 'any index leading with the column counts for pg_tviews');
    });

    await t.step('measure: the same renames now read a fraction of the pages, and tv_comment is no longer scanned', async () => {
      const start = await tvCommentScans();
      const after = await renamePosts(121);
      const statsAfter = await refreshStats();
      const scansAfter = await tvCommentScans();
      assert.match(await lookupPlan(), /Index (Only )?Scan (using|on) idx_tv_comment_fk_post/);
      assert.ok(after * 4 < before, `pages per write: ${before} before, ${after} after`);
      const rowsRead = Number(scansAfter.seq_rows_read) - Number(start.seq_rows_read);
      assert.ok(rowsRead < 100, `the writes no longer scan tv_comment (${rowsRead} rows read by sequential scans)`);
      // tviews.stats: the same work (rows written to tv_comment), and the time of the search
      // for them, counted to post, well down.
      assert.ok(Number(statsAfter.comment_rows) > 0 && statsAfter.comment_rows === statsBefore!.comment_rows, `tv_comment rows written: ${statsBefore!.comment_rows} before, ${statsAfter.comment_rows} after`);
      assert.ok(statsAfter.post_ms * 2 < statsBefore!.post_ms, `post refresh_ms: ${statsBefore!.post_ms} before, ${statsAfter.post_ms} after`);
      const [row] = (await t.snippet('refresh/verify-equal', { entity: 'comment' })).rows;
      assert.equal(row.status, 'EQUAL', 'the renames reached tv_comment, before and after the fix');
    });

    await t.step('or give pg_tviews its own index back: drop-index removes ours, missing-indexes\' statement rebuilds pg_tviews\' one, which it records as its own', async () => {
      await t.snippet('troubleshoot/drop-index', { schema: 'public', index_name: 'idx_tv_comment_fk_post' });
      const [missing] = (await t.snippet('troubleshoot/missing-indexes')).rows;
      await t.sql(missing.create_statement!.replace(/;$/, ''));
      assert.deepEqual((await t.snippet('troubleshoot/missing-indexes')).rows, []);
      const [{ managed }] = await t.sql<{ managed: string[] }>(`SELECT managed_indexes::text[] AS managed FROM tviews.registry WHERE entity = 'comment'`);
      assert.ok(managed.includes('idx_tv_comment_fk_post_pk_comment'), `tviews.registry.managed_indexes: ${managed}`);
    });
  },
});
