import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectSnapshots } from '../../src/api/live.ts';
import type { ApiSnapshot } from '../../src/api/snapshot.ts';
import { deriveSafety, PG_TVIEWS_FUNCTION_EFFECTS } from '../../src/lint/safety.ts';
import { header, snippetFrom } from './helpers.ts';

/** The committed API snapshot of every target of targets.env. */
const snapshots = projectSnapshots().map(({ target, file }) => ({ target, snapshot: JSON.parse(readFileSync(file, 'utf8')) as ApiSnapshot }));

async function derive(body: string) {
  return deriveSafety(snippetFrom(`${header()}\n${body}\n`));
}

describe('deriveSafety', () => {
  it('classifies every pg_tviews function of the API snapshot of every target, and only those', () => {
    expect(snapshots.length).toBeGreaterThan(0);
    const names = new Set(snapshots.flatMap(({ snapshot }) => snapshot.functions.map((f) => f.name)));
    expect([...names].filter((name) => !Object.hasOwn(PG_TVIEWS_FUNCTION_EFFECTS, name))).toEqual([]);
    // A function the release no longer has is not classified from memory of an older one.
    expect(Object.keys(PG_TVIEWS_FUNCTION_EFFECTS).filter((name) => !names.has(name))).toEqual([]);
  });

  it('names the release it was checked against, the one of the snapshots', () => {
    const versions = new Set(snapshots.map(({ snapshot }) => snapshot.version));
    expect(versions.size).toBe(1);
    expect(readFileSync(new URL('../../src/lint/safety.ts', import.meta.url), 'utf8')).toContain(`pg_tviews ${[...versions][0]}, every function`);
  });

  it.each([
    ['SELECT * FROM tviews.pg_tviews_health_check();', 'read-only', false],
    ['SELECT count(*) FROM tv_post; SHOW work_mem; SET statement_timeout = 0; EXPLAIN DELETE FROM tb_post;', 'read-only', false],
    ["SELECT tviews.pg_tviews_refresh('post');", 'writes', false],
    ['SELECT * FROM tb_post FOR UPDATE;', 'writes', false],
    ["UPDATE tb_post SET title = 'x' WHERE pk_post = 1;", 'writes', false],
    ['DELETE FROM tb_post WHERE pk_post = 1;', 'writes', false],
    ['EXPLAIN ANALYZE DELETE FROM tb_post;', 'destructive', false],
    ['DELETE FROM tb_post;', 'destructive', false],
    ['TRUNCATE tv_post;', 'destructive', false],
    ['DROP TABLE tv_post;', 'destructive', false],
    ['DROP INDEX CONCURRENTLY IF EXISTS i;', 'destructive', true],
    ["SELECT tviews.pg_tviews_drop('post');", 'destructive', false],
    ["SELECT tviews.pg_tviews_create_or_replace('tv_post', 'SELECT 1');", 'destructive', false],
    ['SELECT tviews.pg_tviews_stats_reset();', 'destructive', false],
    ['SELECT tviews.pg_tviews_refresh_time_dependent();', 'writes', false],
    ['SELECT * FROM tviews.stats; SELECT tviews.pg_tviews_feed_gaps(), tviews.pg_tviews_entity_of(\'tv_post\');', 'read-only', false],
    ["SELECT tviews.pg_tviews_mapping_query('tv_post', 'tb_user'::regclass);", 'read-only', false],
    ['SELECT tviews.pg_tviews_suspend_triggers();', 'destructive', false],
    ['ALTER TABLE tb_post DISABLE TRIGGER ALL;', 'destructive', false],
    ['ALTER TABLE tb_post ENABLE TRIGGER ALL;', 'writes', false],
    ["SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend';", 'destructive', false],
    ['VACUUM tv_post;', 'writes', true],
    ['ANALYZE tv_post;', 'writes', false],
    ['CREATE INDEX CONCURRENTLY i ON tb_post (fk_user);', 'writes', true],
    ['REINDEX INDEX CONCURRENTLY i;', 'writes', true],
    ['REINDEX INDEX i;', 'writes', false],
    ['REINDEX SCHEMA public;', 'writes', true],
    ['CLUSTER tb_post USING tb_post_pkey;', 'writes', false],
    ['CLUSTER;', 'writes', true],
    ['CREATE DATABASE scratch;', 'writes', true],
    ['DROP DATABASE scratch;', 'destructive', true],
    ["ALTER SYSTEM SET work_mem = '64MB';", 'writes', true],
    ["COMMIT PREPARED 'gid';", 'destructive', true],
    ["ROLLBACK PREPARED 'gid';", 'destructive', true],
    ['BEGIN; SELECT 1; COMMIT;', 'read-only', true],
    ['SAVEPOINT a; RELEASE a;', 'read-only', false],
    ["\\copy tb_post FROM 'posts.csv' csv", 'writes', false],
    ["\\copy (SELECT 1) TO 'out.csv' csv", 'read-only', false],
    ["SELECT format('VACUUM %I', relname) FROM pg_stat_user_tables \\gexec", 'writes', false],
    ['DO $$ BEGIN PERFORM tviews.pg_tviews_version(); END $$;', 'read-only', false],
    ["DO $$ BEGIN EXECUTE 'TRUNCATE ' || quote_ident('tv_post'); END $$;", 'destructive', false],
    ['DO $$ BEGIN EXECUTE some_text; END $$;', 'writes', false],
    ["DO LANGUAGE plperl $$ print 1 $$;", 'writes', false],
  ])('%s → %s (non-transactional: %s)', async (body, safety, nonTransactional) => {
    const derived = await derive(body);
    expect(derived.class).toBe(safety);
    expect(derived.nonTransactional).toBe(nonTransactional);
  });

  it('gives a reason with the line and column of what decided the class', async () => {
    const derived = await derive("SELECT 1;\nSELECT tviews.pg_tviews_refresh('post');\nVACUUM tv_post;");
    expect(derived.reasons.map((r) => [r.line, r.column, r.class, r.nonTransactional])).toEqual([
      [8, 8, 'writes', false],
      [9, 1, 'writes', true],
    ]);
    expect(derived.reasons[0].why).toBe('pg_tviews_refresh(): rebuilds a TVIEW from its view (TRUNCATE and INSERT of derived rows)');
  });

  it('uses the declared class for bash, saying so', async () => {
    const derived = await deriveSafety(snippetFrom(`#!/bin/bash\n${header({ prefix: '#', safety: 'writes' })}\necho hi\n`, 'test/x', 'bash'));
    expect(derived).toMatchObject({ class: 'writes', nonTransactional: false });
    expect(derived.reasons[0].why).toContain('declared class');
  });
});
