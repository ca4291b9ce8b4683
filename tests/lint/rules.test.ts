import { describe, expect, it } from 'vitest';
import { apiColumnRule } from '../../src/lint/rules/api-column.ts';
import { apiFunctionRule } from '../../src/lint/rules/api-function.ts';
import { apiRelationRule } from '../../src/lint/rules/api-relation.ts';
import { apiSchemaQualifiedRule } from '../../src/lint/rules/api-schema-qualified.ts';
import { apiTriggerNameRule } from '../../src/lint/rules/api-trigger-name.ts';
import { createIndexConcurrentlyRule } from '../../src/lint/rules/create-index-concurrently.ts';
import { expectColumnsRule } from '../../src/lint/rules/expect-columns.ts';
import { hardCodedConnectionRule } from '../../src/lint/rules/hard-coded-connection.ts';
import { headerRule } from '../../src/lint/rules/header.ts';
import { missingWhereRule } from '../../src/lint/rules/missing-where.ts';
import { parameterDeclarationRule } from '../../src/lint/rules/parameter-declaration.ts';
import { unquotedParameterRule } from '../../src/lint/rules/unquoted-parameter.ts';
import { psqlMetaCommandRule } from '../../src/lint/rules/psql-meta-command.ts';
import { safetyUnderstatedRule } from '../../src/lint/rules/safety-understated.ts';
import { sqlSyntaxRule } from '../../src/lint/rules/sql-syntax.ts';
import { terminateBackendRule } from '../../src/lint/rules/terminate-backend.ts';
import { targetClaimRule } from '../../src/lint/rules/target-claim.ts';
import { truncateOrDropRule } from '../../src/lint/rules/truncate-or-drop.ts';
import snapshot from '../../src/api/snapshots/pg18.json' with { type: 'json' };
import type { ApiSnapshot } from '../../src/api/snapshot.ts';
import { indexSnapshot } from '../../src/lint/api/catalog.ts';
import { lintSnippets } from '../../src/lint/index.ts';
import { context, header, lineOf, lintSql, lintTargets, snippetFrom } from './helpers.ts';

describe('header', () => {
  it('passes a valid header', async () => {
    expect(await lintSql('SELECT 1;', headerRule)).toEqual([]);
  });
  it('reports a missing header at line 1 and a bad field at its line', async () => {
    const missing = await lintSnippets([snippetFrom('SELECT 1;\n')], context(), [headerRule]);
    expect(missing).toMatchObject([{ line: 1, column: 1, rule: 'header', severity: 'error' }]);
    expect(missing[0].message).toContain('must start with a metadata header');
    const bad = await lintSnippets([snippetFrom(header().replace('safety: read-only', 'safety: harmless') + '\nSELECT 1;\n')], context(), [headerRule]);
    expect(bad).toHaveLength(1);
    expect(bad[0].line).toBe(4);
    expect(bad[0].message).toContain("'safety'");
  });
});

describe('expect-columns', () => {
  const expecting = (columns: string) => ({ extra: ['expect:', `  columns: [${columns}]`] });
  it('passes when the last SELECT returns the expected names, or when they cannot be known', async () => {
    expect(await lintSql('SELECT entity, count(*), created_at::date, 1 AS one FROM tviews.pg_tview_meta GROUP BY 1, 3;', expectColumnsRule, expecting('entity, count, created_at, one'))).toEqual([]);
    expect(await lintSql('SELECT * FROM tviews.pg_tviews_health_check();', expectColumnsRule, expecting('status, component, message, severity'))).toEqual([]);
    expect(await lintSql('SELECT a + b FROM t;', expectColumnsRule, expecting('anything'))).toEqual([]);
    expect(await lintSql('SELECT * FROM tb_post;', expectColumnsRule, expecting('anything'))).toEqual([]);
  });
  it('reports a header that cannot match, at the last SELECT', async () => {
    const body = 'SELECT 1;\nSELECT status, message FROM tviews.pg_tviews_health_check();';
    const [d] = await lintSql(body, expectColumnsRule, expecting('status, severity'));
    expect(d.line).toBe(lineOf(body, 'SELECT status', expecting('status, severity')));
    expect(d.message).toBe('the last SELECT returns columns [status, message] but the header expects [status, severity]');
    const [star] = await lintSql('SELECT * FROM tviews.pg_tview_reads;', expectColumnsRule, expecting('entity'));
    expect(star.message).toContain('[entity, relid]');
  });
});

describe('sql-syntax', () => {
  it('passes valid SQL, including DO blocks', async () => {
    expect(await lintSql("SELECT 1;\nDO $$ BEGIN PERFORM 1; END $$;", sqlSyntaxRule)).toEqual([]);
  });
  it('explains the plan\'s TITLE lines', async () => {
    const body = "TITLE 'Health check';\nSELECT 1;";
    const [d] = await lintSql(body, sqlSyntaxRule);
    expect(d).toMatchObject({ line: lineOf(body, 'TITLE'), column: 1 });
    expect(d.message).toBe("'TITLE' starts no SQL statement, and psql has no such command either");
    expect(d.hint).toContain('\\echo');
  });
  it('points at the token the parser stopped at, and keeps parsing later statements', async () => {
    const body = 'SELECT 1;\nSELECT count(* FROM tb_post;\nSELECT FROM WHERE;';
    const found = await lintSql(body, sqlSyntaxRule);
    expect(found.map((d) => [d.line, d.column])).toEqual([[lineOf(body, 'SELECT count'), 16], [lineOf(body, 'SELECT FROM WHERE'), 13]]);
  });
  it('reports unterminated strings and PL/pgSQL errors inside DO blocks', async () => {
    const unterminated = await lintSql("SELECT 'abc;", sqlSyntaxRule);
    expect(unterminated[0].message).toBe('unterminated string literal');
    const plpgsql = await lintSql('DO $$ BEGIN FOR r IN SELECT 1 LOOP END LOOP; END $$;', sqlSyntaxRule);
    expect(plpgsql[0].message).toMatch(/^in DO block: loop variable of loop over rows must be a record/);
  });
});

describe('psql-meta-command', () => {
  it('passes commands psql has', async () => {
    expect(await lintSql("\\echo 'Queue'\n\\x on\n\\dt+ tviews.*\nSELECT 1 \\gset\n\\if :{?entity}\n\\endif", psqlMetaCommandRule)).toEqual([]);
  });
  it('reports commands psql does not have', async () => {
    const body = "\\title 'x'\nSELECT 1 \\gfoo";
    const found = await lintSql(body, psqlMetaCommandRule);
    expect(found.map((d) => d.message)).toEqual(['psql has no meta-command \\title', 'psql has no meta-command \\gfoo']);
  });
});

describe('api-function', () => {
  it('passes real functions with a valid arity', async () => {
    expect(await lintSql("SELECT tviews.pg_tviews_refresh('post');\nSELECT * FROM pg_tviews_health_check();\nSELECT tviews.pg_tviews_drop('post', if_exists => true);", apiFunctionRule, { safety: 'destructive' })).toEqual([]);
  });
  it('suggests what exists for the plan\'s functions', async () => {
    const [d] = await lintSql('SELECT pg_tviews_get_queue();', apiFunctionRule);
    expect(d.message).toBe('pg_tviews 0.1.0-beta.34 has no function pg_tviews_get_queue; did you mean pg_tviews_debug_queue, pg_tviews_queue_stats?');
  });
  it('reports functions beta.20 had and beta.34 removed', async () => {
    const body = "SELECT tviews.pg_tviews_set_logged('post', true);\nSELECT * FROM tviews.pg_tviews_performance_stats();";
    const found = await lintSql(body, apiFunctionRule, { safety: 'writes' });
    expect(found.map((d) => [d.line, d.message])).toEqual([
      [lineOf(body, 'SELECT tviews.pg_tviews_set_logged'), 'pg_tviews 0.1.0-beta.34 has no function pg_tviews_set_logged; did you mean pg_tviews_read_set_queries?'],
      [lineOf(body, 'SELECT * FROM tviews.pg_tviews_performance_stats'), 'pg_tviews 0.1.0-beta.34 has no function pg_tviews_performance_stats; did you mean pg_tviews_queue_stats, pg_tviews_stats_reset, pg_tviews_stats_rows?'],
    ]);
  });
  it('reports wrong arity and unknown named arguments with the signature', async () => {
    const [arity] = await lintSql("SELECT pg_tviews_refresh('post', true);", apiFunctionRule);
    expect(arity.message).toBe('pg_tviews_refresh takes 1 argument, this call passes 2: tviews.pg_tviews_refresh(tview text)');
    const [range] = await lintSql("SELECT tviews.pg_tviews_create('tv_x', 'SELECT 1', '{}', true);", apiFunctionRule, { safety: 'writes' });
    expect(range.message).toBe('pg_tviews_create takes 2 to 3 arguments, this call passes 4: tviews.pg_tviews_create(tview text, query text, options jsonb DEFAULT …)');
    const [named] = await lintSql("SELECT pg_tviews_refresh('post', force => true);", apiFunctionRule);
    expect(named.message).toContain('has no argument named force');
    // beta.20 named it entity; beta.34 names every TVIEW argument tview.
    const [renamed] = await lintSql("SELECT pg_tviews_refresh(entity => 'post');", apiFunctionRule);
    expect(renamed.message).toBe('pg_tviews_refresh has no argument named entity; it is tviews.pg_tviews_refresh(tview text)');
  });
  it('reports a wrong schema and ignores functions that are not pg_tviews\'', async () => {
    const [d] = await lintSql("SELECT pg_tviews_internal.refresh('x');\nSELECT my_schema.helper(1, 2, 3);", apiFunctionRule);
    expect(d.message).toMatch(/^pg_tviews has no schema 'pg_tviews_internal'/);
  });
});

describe('api-relation', () => {
  it('passes real tables and views, and CTEs named like them', async () => {
    expect(await lintSql('SELECT * FROM tviews.pg_tview_meta;\nSELECT * FROM pg_tview_references;\nSELECT * FROM tviews.stats;\nWITH pg_tviews_x AS (SELECT 1) SELECT * FROM pg_tviews_x;', apiRelationRule)).toEqual([]);
  });
  it('reports the plan\'s pg_tviews_metadata and pg_tviews_internal.queue', async () => {
    const found = await lintSql('SELECT * FROM pg_tviews_metadata;\nSELECT * FROM pg_tviews_internal.queue;\nSELECT * FROM pg_tviews_internal.registry;', apiRelationRule);
    expect(found.map((d) => d.message)).toEqual([
      'pg_tviews 0.1.0-beta.34 has no table or view pg_tviews_metadata; did you mean pg_tview_meta?',
      "pg_tviews has no schema 'pg_tviews_internal': its objects live in schema 'tviews'",
      "pg_tviews has no schema 'pg_tviews_internal': its objects live in schema 'tviews'; use tviews.registry",
    ]);
  });
  it('reports the placeholder views beta.34 removed', async () => {
    const [d] = await lintSql('SELECT * FROM pg_tviews_queue_realtime;', apiRelationRule);
    expect(d.message).toBe('pg_tviews 0.1.0-beta.34 has no table or view pg_tviews_queue_realtime; did you mean pg_tviews_queue_stats, pg_tviews_debug_queue?');
  });
  it('says when a function is used as a table', async () => {
    const [d] = await lintSql('SELECT * FROM tviews.pg_tviews_health_check;', apiRelationRule);
    expect(d.message).toBe('pg_tviews_health_check is a function, not a table or view: write FROM tviews.pg_tviews_health_check(…)');
  });
});

describe('api-column', () => {
  it('passes real columns through aliases, joins, subqueries and function results', async () => {
    const body = [
      'SELECT m.entity, m.created_at FROM tviews.pg_tview_meta m WHERE m.entity = :\'entity\';',
      'SELECT entity, definition FROM tviews.pg_tview_meta ORDER BY entity;',
      'SELECT h.status, h.severity FROM tviews.pg_tviews_health_check() h;',
      'SELECT status AS s FROM pg_tviews_health_check() ORDER BY s;',
      'SELECT s.entity, s.refresh_ms FROM tviews.stats s JOIN tviews.registry r ON r.entity = s.entity WHERE r.time_dependent;',
      'SELECT entity, rows_inserted FROM tviews.pg_tviews_rebuild_all(only_empty => true);',
      'SELECT x FROM (SELECT entity AS x FROM tviews.pg_tview_meta) s;',
      'SELECT name, (SELECT count(*) FROM tviews.pg_tview_helpers WHERE helper_name = name) FROM tviews.registry;',
    ].join('\n');
    expect(await lintSql(body, apiColumnRule, { params: ['entity: {kind: literal, description: the entity, value: post}'] })).toEqual([]);
  });
  it('reports the plan\'s columns with suggestions', async () => {
    const body = 'SELECT m.last_error FROM tviews.pg_tview_meta m;\nSELECT severety FROM pg_tviews_health_check();\nUPDATE tviews.pg_tview_meta SET refresh_priority = 1 WHERE entity = \'x\';';
    const found = await lintSql(body, apiColumnRule, { safety: 'writes' });
    expect(found.map((d) => [d.line, d.message])).toEqual([
      [lineOf(body, 'SELECT m.last_error'), 'tviews.pg_tview_meta has no column last_error'],
      [lineOf(body, 'SELECT severety'), 'no column severety in tviews.pg_tviews_health_check(); did you mean severity?'],
      [lineOf(body, 'UPDATE'), 'tviews.pg_tview_meta has no column refresh_priority; did you mean time_refresh?'],
    ]);
    expect(found[0].column).toBe(8);
  });
  it('reports the columns beta.34 renamed or removed', async () => {
    const body = 'SELECT entity, rows FROM tviews.pg_tviews_rebuild_all();\nSELECT r.entity, r.logged FROM tviews.registry r;\nSELECT cascade_paths FROM tviews.pg_tview_meta;';
    const found = await lintSql(body, apiColumnRule, { safety: 'writes' });
    expect(found.map((d) => [d.line, d.message])).toEqual([
      [lineOf(body, 'SELECT entity, rows'), 'no column rows in tviews.pg_tviews_rebuild_all(); did you mean rows_inserted?'],
      [lineOf(body, 'SELECT r.entity'), 'tviews.registry has no column logged'],
      [lineOf(body, 'SELECT cascade_paths'), 'no column cascade_paths in tviews.pg_tview_meta'],
    ]);
  });
});

describe('api-schema-qualified', () => {
  it('passes qualified names, and unqualified ones after the snippet puts tviews on the search_path', async () => {
    expect(await lintSql('SELECT * FROM tviews.pg_tviews_health_check();\nSELECT * FROM tviews.pg_tview_meta;', apiSchemaQualifiedRule)).toEqual([]);
    expect(await lintSql("SET search_path = public, tviews;\nSELECT * FROM pg_tviews_health_check();", apiSchemaQualifiedRule)).toEqual([]);
    expect(await lintSql("SELECT set_config('search_path', 'public, tviews', false);\nSELECT * FROM pg_tview_meta;", apiSchemaQualifiedRule)).toEqual([]);
  });
  it('reports unqualified functions and relations that exist (unknown ones are api-function\'s)', async () => {
    const body = 'SELECT * FROM pg_tviews_health_check();\nSELECT entity FROM pg_tview_meta;\nSELECT pg_tviews_no_such();';
    const found = await lintSql(body, apiSchemaQualifiedRule);
    expect(found.map((d) => [d.line, d.column, d.message])).toEqual([
      [lineOf(body, 'SELECT *'), 15, 'pg_tviews_health_check() is in schema tviews, which is not on the default search_path: write tviews.pg_tviews_health_check()'],
      [lineOf(body, 'SELECT entity'), 20, 'pg_tview_meta is in schema tviews, which is not on the default search_path: write tviews.pg_tview_meta'],
    ]);
  });
});

describe('api-trigger-name', () => {
  it('passes patterns that match pg_tviews triggers and patterns about other triggers', async () => {
    expect(await lintSql("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'trg_tview_%';\nSELECT 1 FROM pg_trigger WHERE tgname = 'audit_trigger';", apiTriggerNameRule)).toEqual([]);
  });
  it("reports the plan's LIKE 'pg_tviews_%'", async () => {
    const [d] = await lintSql("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'pg_tviews_%';", apiTriggerNameRule);
    expect(d.message).toMatch(/^'pg_tviews_%' matches no trigger pg_tviews installs/);
    expect(d.column).toBe(49);
  });
});

describe('target-claim', () => {
  const ids = lintTargets.map((t) => t.target.id);
  const claiming = (claim: string) => ({ extra: [`targets: ${claim}`] });
  it('passes a claim that names targets of targets.env and leaves at least one', async () => {
    expect(ids.length).toBeGreaterThan(1);
    expect(await lintSql('SELECT 1;', targetClaimRule, claiming(`{ only: [${ids[0]}], reason: only the primary target has what this reads }`))).toEqual([]);
    expect(await lintSql('SELECT 1;', targetClaimRule, claiming(`{ except: [${ids.at(-1)}], reason: the oldest target lacks what this reads }`))).toEqual([]);
    expect(await lintSql('SELECT 1;', targetClaimRule)).toEqual([]);
  });
  it('reports a target id targets.env does not have, at the targets line', async () => {
    const options = claiming('{ only: [pg15], reason: written for a PostgreSQL that is not a target }');
    const found = await lintSql('SELECT 1;', targetClaimRule, options);
    expect(found).toMatchObject([{ rule: 'target-claim', severity: 'error', line: lineOf('SELECT 1;', '-- targets:', options), column: 1 }]);
    expect(found[0].message).toBe(`'pg15' is not a target of targets.env (they are ${ids.join(', ')})`);
    expect(found[0].hint).toContain("'runbooks targets'");
  });
  it('reports a claim that leaves no target to verify on', async () => {
    const [d] = await lintSql('SELECT 1;', targetClaimRule, claiming(`{ except: [${ids.join(', ')}], reason: excludes every target by mistake }`));
    expect(d.message).toBe('the claim leaves no target to verify on');
  });
});

describe('API rules on each claimed target', () => {
  // The primary target's API everywhere but on the last target, whose API lacks one function, as one
  // PostgreSQL major's build may lack what another's has (pg16's extension owns no row types).
  const full = snapshot as ApiSnapshot;
  const older = indexSnapshot({ ...full, functions: full.functions.filter((f) => f.name !== 'pg_tviews_feed_gaps') });
  const last = lintTargets.at(-1)!.target.id;
  const targets = lintTargets.map((t) => (t.target.id === last ? { ...t, api: older } : t));
  const lint = (body: string, options: Parameters<typeof header>[0] = {}) => lintSnippets([snippetFrom(`${header(options)}\n${body}\n`)], context({ targets }), [apiFunctionRule]);

  it('reports a function one target lacks once, naming that target', async () => {
    expect(full.functions.some((f) => f.name === 'pg_tviews_feed_gaps')).toBe(true);
    const body = 'SELECT tviews.pg_tviews_feed_gaps();';
    const found = await lint(body);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ rule: 'api-function', line: lineOf(body, 'SELECT tviews'), column: 8, targets: [last] });
    expect(found[0].message).toMatch(/^pg_tviews 0\.1\.0-beta\.34 has no function pg_tviews_feed_gaps\b/);
    expect(found[0].message.endsWith(` (on ${last})`)).toBe(true);
  });
  it('reports a finding of every target once, without naming targets', async () => {
    const found = await lint('SELECT tviews.pg_tviews_get_queue();');
    expect(found).toHaveLength(1);
    expect(found[0].message).toBe('pg_tviews 0.1.0-beta.34 has no function pg_tviews_get_queue; did you mean pg_tviews_debug_queue, pg_tviews_queue_stats?');
    expect(found[0].targets).toBeUndefined();
  });
  it('checks only the targets the snippet claims', async () => {
    expect(await lint('SELECT tviews.pg_tviews_feed_gaps();', { extra: [`targets: { except: [${last}], reason: the build on ${last} has no pg_tviews_feed_gaps }`] })).toEqual([]);
    const [d] = await lint('SELECT tviews.pg_tviews_feed_gaps();', { extra: [`targets: { only: [${last}], reason: checks the build that lacks it only }`] });
    // Every target it claims lacks the function: nothing to single out.
    expect(d.message).toMatch(/^pg_tviews 0\.1\.0-beta\.34 has no function pg_tviews_feed_gaps\b/);
    expect(d.message).not.toContain('(on ');
  });
});

describe('safety-understated', () => {
  it('passes when the declared class covers what the SQL does', async () => {
    expect(await lintSql("SELECT tviews.pg_tviews_refresh('post');", safetyUnderstatedRule, { safety: 'writes' })).toEqual([]);
    expect(await lintSql("SELECT * FROM pg_tviews_health_check();", safetyUnderstatedRule, { safety: 'read-only' })).toEqual([]);
  });
  it('reports each statement that does more than declared', async () => {
    const body = "SELECT 1;\nSELECT tviews.pg_tviews_refresh('post');\nSELECT tviews.pg_tviews_suspend_triggers();";
    const found = await lintSql(body, safetyUnderstatedRule, { safety: 'read-only' });
    expect(found.map((d) => d.line)).toEqual([lineOf(body, 'SELECT tviews.pg_tviews_refresh'), lineOf(body, 'SELECT tviews.pg_tviews_suspend')]);
    expect(found[1].message).toMatch(/^declared 'read-only' but this is destructive: pg_tviews_suspend_triggers\(\)/);
  });
  it('sees statements inside DO blocks and in SQL built by EXECUTE', async () => {
    const body = "DO $$\nBEGIN\n  EXECUTE format('ALTER TABLE %I DISABLE TRIGGER ALL', 'tb_post');\nEND $$;";
    const [d] = await lintSql(body, safetyUnderstatedRule, { safety: 'writes' });
    expect(d.line).toBe(lineOf(body, 'EXECUTE'));
    expect(d.message).toContain('DISABLE TRIGGER');
  });
});

describe('truncate-or-drop', () => {
  it('passes in a destructive snippet', async () => {
    expect(await lintSql('TRUNCATE tv_post;\nDROP ROLE r;\nDO $$ BEGIN DROP TABLE tv_old; END $$;', truncateOrDropRule, { safety: 'destructive' })).toEqual([]);
  });
  it('reports TRUNCATE, drops squawk has no rule for, and drops in DO blocks elsewhere', async () => {
    const body = 'TRUNCATE tv_post;\nDROP ROLE old_reader;\nDO $$ BEGIN ALTER TABLE tb_post DROP COLUMN x; END $$;';
    const found = await lintSql(body, truncateOrDropRule, { safety: 'writes' });
    expect(found.map((d) => [d.line, d.message])).toEqual([
      [lineOf(body, 'TRUNCATE'), "TRUNCATE removes every row, in a snippet declared 'writes'"],
      [lineOf(body, 'DROP ROLE'), "DROP removes objects and their data, in a snippet declared 'writes'"],
      [lineOf(body, 'DO $$'), "ALTER TABLE … DROP removes a column or constraint (in a DO block), in a snippet declared 'writes'"],
    ]);
  });
  it('leaves the drops squawk reports to squawk', async () => {
    expect(await lintSql('DROP TABLE tv_old;\nALTER TABLE tb_post DROP COLUMN x;\nDROP INDEX CONCURRENTLY i;', truncateOrDropRule, { safety: 'writes' })).toEqual([]);
  });
});

describe('missing-where', () => {
  it('passes UPDATE and DELETE with WHERE', async () => {
    expect(await lintSql("UPDATE tb_post SET title = 'x' WHERE pk_post = 1;\nDELETE FROM tb_post WHERE pk_post = 1;", missingWhereRule, { safety: 'writes' })).toEqual([]);
  });
  it('reports UPDATE and DELETE without WHERE', async () => {
    const found = await lintSql("UPDATE tb_post SET title = 'x';\nDELETE FROM tb_comment;", missingWhereRule, { safety: 'destructive' });
    expect(found.map((d) => d.message)).toEqual(['UPDATE without WHERE changes every row of tb_post', 'DELETE without WHERE changes every row of tb_comment']);
  });
});

describe('terminate-backend', () => {
  it('passes guarded queries and a pid given as a parameter', async () => {
    const body = [
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend' AND state = 'idle in transaction';",
      "SELECT pg_cancel_backend(:'pid');",
      "SELECT pg_cancel_backend(:'pid'::int);",
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = :'pid'::int;",
    ].join('\n');
    expect(await lintSql(body, terminateBackendRule, { safety: 'destructive', params: ['pid: {kind: literal, description: the pid, value: "1"}'] })).toEqual([]);
  });
  it('reports a missing guard and a literal pid', async () => {
    const body = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid();\nSELECT pg_cancel_backend(12345);";
    const found = await lintSql(body, terminateBackendRule, { safety: 'destructive' });
    expect(found.map((d) => d.message)).toEqual([
      "pg_terminate_backend on pids from a query that does not filter backend_type = 'client backend'",
      'pg_cancel_backend with a literal pid: pids differ on every server and every minute',
    ]);
  });
  it('accepts the guards in the FOR query of a DO block', async () => {
    const body = "DO $$\nDECLARE r record;\nBEGIN\n  FOR r IN SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend' LOOP\n    PERFORM pg_terminate_backend(r.pid);\n  END LOOP;\nEND $$;";
    expect(await lintSql(body, terminateBackendRule, { safety: 'destructive' })).toEqual([]);
  });
});

describe('create-index-concurrently', () => {
  it('passes CONCURRENTLY, and indexes on tables the snippet creates', async () => {
    expect(await lintSql('CREATE INDEX CONCURRENTLY i ON tb_post (fk_user);\nCREATE TABLE t (x int);\nCREATE INDEX ON t (x);\nDO $$ BEGIN CREATE TEMP TABLE u (x int); CREATE INDEX ON u (x); END $$;', createIndexConcurrentlyRule, { safety: 'writes' })).toEqual([]);
  });
  it('reports a plain CREATE INDEX on a live table in a DO block, which squawk cannot see', async () => {
    const body = 'DO $$\nBEGIN\n  CREATE INDEX i ON tb_post (fk_user);\nEND $$;';
    const [d] = await lintSql(body, createIndexConcurrentlyRule, { safety: 'writes' });
    expect(d.line).toBe(lineOf(body, 'CREATE INDEX'));
    expect(d.message).toBe("CREATE INDEX without CONCURRENTLY blocks writes to tb_post until the index is built; no lock_timeout is set before it, and the header's description does not say what it locks");
  });
  it('leaves the statements squawk reads to squawk/require-concurrent-index-creation', async () => {
    expect(await lintSql('CREATE INDEX i ON tb_post (fk_user);', createIndexConcurrentlyRule, { safety: 'writes' })).toEqual([]);
  });
});

describe('hard-coded-connection', () => {
  it('passes current_database(), parameters and \\connect with variables', async () => {
    const body = "SELECT datname FROM pg_stat_activity WHERE datname = current_database();\nSELECT 1 FROM pg_database WHERE datname = :'db';\n\\c :db";
    expect(await lintSql(body, hardCodedConnectionRule, { params: ['db: {kind: literal, description: the database, value: fixture}'] })).toEqual([]);
  });
  it('reports database names, connection strings, passwords and \\connect targets', async () => {
    const body = [
      "SELECT * FROM pg_stat_activity WHERE datname = 'production';",
      "SELECT dblink_connect('host=db1.internal dbname=app');",
      "ALTER ROLE app PASSWORD 'hunter2';",
      '\\c production',
    ].join('\n');
    const found = await lintSql(body, hardCodedConnectionRule, { safety: 'writes' });
    expect(found.map((d) => d.line)).toEqual([1, 2, 3, 4].map((i) => lineOf(body, body.split('\n')[i - 1])));
  });
  it('reports hosts and passwords in bash, not variables', async () => {
    const good = `#!/usr/bin/env bash\n${header({ prefix: '#' })}\npsql -h "$PGHOST" -d "\${PGDATABASE}" -c 'SELECT 1'\n`;
    const bad = `#!/usr/bin/env bash\n${header({ prefix: '#' })}\nexport PGPASSWORD=secret\npsql -h db1.internal -c 'SELECT 1'\n`;
    expect(await lintSnippets([snippetFrom(good, 'test/good', 'bash')], context(), [hardCodedConnectionRule])).toEqual([]);
    const found = await lintSnippets([snippetFrom(bad, 'test/bad', 'bash')], context(), [hardCodedConnectionRule]);
    expect(found.map((d) => d.message)).toEqual([
      "a connection setting is written into the script: 'PGPASSWORD=secret'",
      "a host or database option is written into the script: '-h db1.internal'",
    ]);
  });
});

describe('unquoted-parameter', () => {
  const params = ['entity: {kind: literal, description: the entity, value: post}'];
  it('passes quoted parameters', async () => {
    expect(await lintSql("SELECT tviews.pg_tviews_show_cascade_path(:'entity');", unquotedParameterRule, { params })).toEqual([]);
  });
  it('reports :name for a declared parameter', async () => {
    const [d] = await lintSql('SELECT * FROM tviews.pg_tview_meta WHERE entity = :entity;', unquotedParameterRule, { params });
    expect(d.message).toBe("parameter entity is interpolated unquoted: write :'entity'");
    expect(d.column).toBe(51);
  });
});

describe('parameter-declaration', () => {
  const params = ['entity: {kind: literal, description: the entity, value: post}', 'tview: {kind: identifier, description: the table, value: tv_post}'];
  it('passes declared parameters and variables the script sets', async () => {
    const body = "SELECT count(*) AS n FROM :\"tview\" WHERE data IS NOT NULL AND :'entity' <> '' \\gset\n\\echo :n :ON_ERROR_STOP\n\\set limit 10\nSELECT :limit;";
    expect(await lintSql(body, parameterDeclarationRule, { params })).toEqual([]);
  });
  it('reports undeclared variables, the wrong quoting for the kind, and unused parameters', async () => {
    const body = "SELECT :'entity', :'tview', :'missing';";
    const found = await lintSql(body, parameterDeclarationRule, { params: [...params, 'unused: {kind: literal, description: never used, value: x}'] });
    expect(found.map((d) => [d.severity, d.message])).toEqual([
      ['warning', 'parameter unused is declared but never used'],
      ['error', 'parameter tview is declared kind identifier but used as a literal: write :"tview" or change its kind'],
      ['error', 'variable missing is not declared under params in the header'],
    ]);
  });
});
