import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintSnippets, type Diagnostic } from '../../src/lint/index.ts';
import { blockingLockRule } from '../../src/lint/rules/blocking-lock.ts';
import { lintRules } from '../../src/lint/rules/index.ts';
import { DESTRUCTIVE_RULES, LOCK_RULES, squawkRule } from '../../src/lint/rules/squawk.ts';
import { deriveSafety } from '../../src/lint/safety.ts';
import { squawkBinary, squawkVersion } from '../../src/lint/sql/squawk.ts';
import { context, header, lineOf, snippetFrom } from './helpers.ts';

/**
 * squawk in `runbooks lint`: every rule the mapping names, at the snippet's own line, with the
 * project's guard for lock hazards and its declared safety for drops. These run the real
 * squawk that scripts/install-tools.sh installs (`runbooks setup` runs it).
 */

const LOCKING = 'Blocks writes to the table while it runs; lock_timeout bounds the wait for the lock.';

function withDescription(text: string, description: string): string {
  return text.replace('description: Written by a lint test to exercise one rule.', `description: ${description}`);
}

async function lint(body: string, options: { safety?: string; description?: string; rules?: typeof lintRules } = {}): Promise<Diagnostic[]> {
  let head = header({ safety: options.safety ?? 'writes' });
  if (options.description) head = withDescription(head, options.description);
  return lintSnippets([snippetFrom(`${head}\n${body}\n`)], context(), options.rules ?? [squawkRule]);
}

function where(body: string, found: Diagnostic[]) {
  return found.map((d) => [d.rule, d.line, d.severity]);
}

beforeAll(() => {
  expect(existsSync(squawkBinary()), `squawk ${squawkVersion()} is installed: run 'runbooks setup' (or scripts/install-tools.sh squawk)`).toBe(true);
});

/** A statement that makes squawk report each lock rule, on a table nobody created in the snippet. */
const LOCK_EXAMPLES: Record<string, string> = {
  'require-concurrent-index-creation': 'CREATE INDEX tb_post_title ON tb_post (title);',
  'require-concurrent-index-deletion': 'DROP INDEX tb_post_title;',
  'require-concurrent-reindex': 'REINDEX INDEX tb_post_title;',
  'changing-column-type': 'ALTER TABLE tb_post ALTER COLUMN title TYPE varchar(200);',
  'constraint-missing-not-valid': 'ALTER TABLE tb_post ADD CONSTRAINT title_set CHECK (title <> \'\');',
  'adding-foreign-key-constraint': 'ALTER TABLE tb_comment ADD CONSTRAINT fk FOREIGN KEY (fk_post) REFERENCES tb_post (pk_post);',
  'disallowed-unique-constraint': 'ALTER TABLE tb_post ADD CONSTRAINT title_unique UNIQUE (title);',
  'adding-not-nullable-field': 'ALTER TABLE tb_post ALTER COLUMN title SET NOT NULL;',
  'adding-field-with-default': 'ALTER TABLE tb_post ADD COLUMN token uuid DEFAULT gen_random_uuid();',
  'adding-serial-primary-key-field': 'ALTER TABLE tb_post ADD COLUMN serial_id bigserial PRIMARY KEY;',
  'adding-required-field': 'ALTER TABLE tb_post ADD COLUMN weight bigint NOT NULL;',
  'ban-alter-domain-with-add-constraint': 'ALTER DOMAIN positive ADD CONSTRAINT above_zero CHECK (VALUE > 0);',
};

/** A statement that makes squawk report each rule the project ties to the declared safety. */
const DESTRUCTIVE_EXAMPLES: Record<string, string> = {
  'ban-drop-table': 'DROP TABLE tv_old;',
  'ban-drop-column': 'ALTER TABLE tb_post DROP COLUMN legacy;',
  'ban-drop-constraint': 'ALTER TABLE tb_post DROP CONSTRAINT old_check;',
  'ban-drop-database': 'DROP DATABASE scratch;',
  'ban-drop-schema': 'DROP SCHEMA scratch;',
  'ban-drop-extension': 'DROP EXTENSION pg_tviews;',
  'ban-drop-view': 'DROP VIEW v_old;',
  'ban-drop-function': 'DROP FUNCTION old_helper();',
  'ban-drop-type': 'DROP TYPE old_kind;',
  'ban-drop-sequence': 'DROP SEQUENCE old_seq;',
  'ban-drop-index': 'DROP INDEX CONCURRENTLY tb_post_title;',
  'ban-drop-trigger': 'DROP TRIGGER old_trigger ON tb_post;',
  'ban-drop-domain': 'DROP DOMAIN positive;',
};

describe('squawk: lock hazards', () => {
  it('has an example for every lock rule of the mapping', () => {
    expect(Object.keys(LOCK_EXAMPLES).sort()).toEqual([...LOCK_RULES].sort());
  });
  for (const [rule, statement] of Object.entries(LOCK_EXAMPLES)) {
    it(`squawk/${rule}: an error on an unguarded statement, at its line; none once guarded`, async () => {
      const body = `SELECT 1;\n${statement}`;
      const found = (await lint(body)).filter((d) => d.rule === `squawk/${rule}`);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ line: lineOf(body, statement), severity: 'error' });
      expect(found[0].message).toMatch(/: no lock_timeout is set before it, and the header's description does not say what it locks$/);
      expect(found[0].hint).toContain(`https://squawkhq.com/docs/${rule}`);

      const guarded = `SET lock_timeout = '5s';\n${statement}\nRESET lock_timeout;`;
      expect((await lint(guarded, { description: LOCKING })).filter((d) => d.rule === `squawk/${rule}`)).toEqual([]);
    });
  }
  it('needs both halves of the guard: lock_timeout before the statement, and the header saying what it locks', async () => {
    const statement = LOCK_EXAMPLES['require-concurrent-reindex'];
    const timeoutOnly = await lint(`SET lock_timeout = '5s';\n${statement}`);
    expect(timeoutOnly.find((d) => d.rule === 'squawk/require-concurrent-reindex')?.message).toMatch(/: the header's description does not say what it locks$/);
    const reasonOnly = await lint(statement, { description: LOCKING });
    expect(reasonOnly.find((d) => d.rule === 'squawk/require-concurrent-reindex')?.message).toMatch(/: no lock_timeout is set before it$/);
    const after = await lint(`${statement}\nSET lock_timeout = '5s';`, { description: LOCKING });
    expect(after.some((d) => d.rule === 'squawk/require-concurrent-reindex')).toBe(true);
    const reset = await lint(`SET lock_timeout = '5s';\nRESET lock_timeout;\n${statement}`, { description: LOCKING });
    expect(reset.some((d) => d.rule === 'squawk/require-concurrent-reindex')).toBe(true);
    const zero = await lint(`SET lock_timeout = 0;\n${statement}`, { description: LOCKING });
    expect(zero.some((d) => d.rule === 'squawk/require-concurrent-reindex')).toBe(true);
    const local = await lint(`BEGIN;\nSET LOCAL lock_timeout = :'wait';\n${LOCK_EXAMPLES['changing-column-type']}\nCOMMIT;`, { description: LOCKING });
    expect(local.filter((d) => d.severity === 'error')).toEqual([]);
    const setConfig = await lint(`SELECT set_config('lock_timeout', '2s', false);\n${statement}`, { description: LOCKING });
    expect(setConfig.filter((d) => d.severity === 'error')).toEqual([]);
  });
  it('the non-blocking forms pass, and so do indexes on a table the snippet created', async () => {
    const body = [
      'CREATE INDEX CONCURRENTLY tb_post_title ON tb_post (title);',
      'REINDEX INDEX CONCURRENTLY tb_post_title;',
      'DROP INDEX CONCURRENTLY tb_post_title;',
      "ALTER TABLE tb_post ADD CONSTRAINT title_set CHECK (title <> '') NOT VALID;",
      'CREATE TEMP TABLE plan (entity text);',
      'CREATE INDEX ON plan (entity);',
      'CREATE TABLE IF NOT EXISTS ops.journal (entity text);',
      'CREATE INDEX IF NOT EXISTS journal_entity ON ops.journal (entity);',
    ].join('\n');
    const errors = (await lint(body, { safety: 'destructive' })).filter((d) => d.severity === 'error');
    expect(errors.filter((d) => d.rule !== 'squawk/ban-drop-index')).toEqual([]);
  });
  it('reads snippets with psql variables and meta-commands, at their own positions', async () => {
    const body = "\\set ON_ERROR_STOP on\n\\echo 'rebuilding'\nREINDEX INDEX :\"schema\".:\"index_name\";\nSELECT :'entity' AS entity \\gset";
    const found = await lint(body);
    expect(found.map((d) => [d.rule, d.line, d.column])).toEqual([
      ['squawk/require-concurrent-reindex', lineOf(body, 'REINDEX'), 1],
      ['squawk/require-lock-timeout', lineOf(body, 'REINDEX'), 1],
    ]);
  });
  it('reads the SQL a bash snippet hands to psql, at the script\'s lines', async () => {
    const body = "set -euo pipefail\npsql -X -v ON_ERROR_STOP=1 -c 'CREATE INDEX tb_post_title ON tb_post (title)'";
    const snippet = snippetFrom(`#!/usr/bin/env bash\n${header({ prefix: '#', safety: 'writes' })}\n${body}\n`, 'test/script', 'bash');
    const found = await lintSnippets([snippet], context(), [squawkRule]);
    const index = found.find((d) => d.rule === 'squawk/require-concurrent-index-creation');
    // Line 9 of the script (shebang, six header lines, set -euo pipefail), after `psql … -c '`.
    expect(index).toMatchObject({ line: 9, column: "psql -X -v ON_ERROR_STOP=1 -c '".length + 1, file: snippet.relativeFile });
  });
});

describe('squawk: drops follow the declared safety', () => {
  it('has an example for every rule tied to the declared safety', () => {
    expect(Object.keys(DESTRUCTIVE_EXAMPLES).sort()).toEqual([...DESTRUCTIVE_RULES].sort());
  });
  for (const [rule, statement] of Object.entries(DESTRUCTIVE_EXAMPLES)) {
    it(`squawk/${rule}: an error in a snippet declared writes, none in one declared destructive; derived safety agrees`, async () => {
      const body = `SELECT 1;\n${statement}`;
      const found = (await lint(body, { safety: 'writes' })).filter((d) => d.rule === `squawk/${rule}`);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ line: lineOf(body, statement), severity: 'error' });
      expect(found[0].message).toMatch(/, in a snippet declared 'writes'$/);
      expect(found[0].hint).toContain("declare 'safety: destructive'");
      expect((await lint(body, { safety: 'destructive' })).filter((d) => d.rule === `squawk/${rule}`)).toEqual([]);
      // What squawk bans as a drop is what the derived safety calls destructive.
      const snippet = snippetFrom(`${header({ safety: 'writes' })}\n${body}\n`);
      const derived = await deriveSafety(snippet);
      expect(derived.reasons.some((r) => r.class === 'destructive' && r.line === lineOf(body, statement))).toBe(true);
    });
  }
});

describe('squawk: other rules', () => {
  const errors: Record<string, string> = {
    'ban-truncate-cascade': 'TRUNCATE tv_post CASCADE;',
    'ban-uncommitted-transaction': "BEGIN;\nUPDATE tb_post SET title = 'x' WHERE pk_post = 1;",
    'ban-concurrent-index-creation-in-transaction': 'BEGIN;\nCREATE INDEX CONCURRENTLY tb_post_title ON tb_post (title);\nCOMMIT;',
    'renaming-table': 'ALTER TABLE tb_post RENAME TO tb_article;',
    'renaming-column': 'ALTER TABLE tb_post RENAME COLUMN title TO headline;',
    'ban-drop-not-null': 'ALTER TABLE tb_post ALTER COLUMN title DROP NOT NULL;',
    'ban-create-domain-with-constraint': 'CREATE DOMAIN positive AS bigint CHECK (VALUE > 0);',
  };
  for (const [rule, body] of Object.entries(errors)) {
    it(`squawk/${rule}: an error with squawk's advice`, async () => {
      const found = (await lint(body, { safety: 'destructive', description: LOCKING })).filter((d) => d.rule === `squawk/${rule}`);
      expect(found.length).toBeGreaterThan(0);
      expect(found[0].severity).toBe('error');
      expect(found[0].hint).toContain(`https://squawkhq.com/docs/${rule}`);
    });
  }
  it('squawk/require-lock-timeout: a warning, gone once lock_timeout is set', async () => {
    const body = 'VACUUM (ANALYZE) tb_post;';
    const found = await lint(body);
    expect(found).toMatchObject([{ rule: 'squawk/require-lock-timeout', severity: 'warning', line: lineOf(body, 'VACUUM') }]);
    expect(await lint(`SET lock_timeout = '5s';\n${body}`)).toEqual([]);
  });
  it('runs none of the rules about migration files and schema style', async () => {
    const body = [
      "SET lock_timeout = '5s';",
      'CREATE TEMP TABLE plan (position int PRIMARY KEY, id serial, label varchar(20), code char(2), at timestamp);',
      "COMMIT PREPARED 'pgtv-1';",
      'ALTER TABLE tb_post ENABLE TRIGGER ALL;',
    ].join('\n');
    expect(where(body, await lint(body, { safety: 'destructive' }))).toEqual([]);
  });
});

describe('squawk: the project\'s own lock rule where squawk has none', () => {
  const hazards: Record<string, string> = {
    'VACUUM FULL': 'VACUUM FULL tb_post;',
    CLUSTER: 'CLUSTER tb_post USING tb_post_pkey;',
    'REFRESH MATERIALIZED VIEW': 'REFRESH MATERIALIZED VIEW mv_daily;',
    'LOCK TABLE': 'LOCK TABLE tb_post IN SHARE MODE;',
    'SET LOGGED': 'ALTER TABLE tv_post SET LOGGED;',
    'pg_tviews_refresh': "SELECT tviews.pg_tviews_refresh('post');",
    'pg_tviews_refresh_all': 'SELECT tviews.pg_tviews_refresh_all();',
  };
  for (const [what, statement] of Object.entries(hazards)) {
    it(`blocking-lock: ${what} unguarded is an error; guarded it passes`, async () => {
      const body = `SELECT 1;\n${statement}`;
      const found = await lint(body, { rules: [blockingLockRule] });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ rule: 'blocking-lock', severity: 'error', line: lineOf(body, statement) });
      expect(found[0].message).toContain(what);
      expect(found[0].message).toMatch(/; no lock_timeout is set before it, and the header's description does not say what it locks$/);
      expect(await lint(`SET lock_timeout = '5s';\n${statement}`, { rules: [blockingLockRule], description: LOCKING })).toEqual([]);
    });
  }
  it('passes the forms that do not block, and tables the snippet created', async () => {
    const body = [
      'REFRESH MATERIALIZED VIEW CONCURRENTLY mv_daily;',
      'LOCK TABLE tb_post IN ROW EXCLUSIVE MODE;',
      'VACUUM (ANALYZE) tb_post;',
      'CREATE TEMP TABLE scratch (x bigint);',
      'VACUUM FULL scratch;',
      "SELECT tviews.pg_tviews_rebuild_all();",
    ].join('\n');
    expect(await lint(body, { rules: [blockingLockRule] })).toEqual([]);
  });
  it('checks statements in DO blocks, which squawk cannot see, with a lock_timeout set inside the block', async () => {
    const body = "DO $$\nBEGIN\n  PERFORM tviews.pg_tviews_refresh('post');\nEND $$;";
    expect(await lint(body, { rules: [blockingLockRule] })).toMatchObject([{ rule: 'blocking-lock', line: lineOf(body, 'PERFORM') }]);
    const guarded = "DO $$\nBEGIN\n  SET LOCAL lock_timeout = '5s';\n  PERFORM tviews.pg_tviews_refresh('post');\nEND $$;";
    expect(await lint(guarded, { rules: [blockingLockRule], description: LOCKING })).toEqual([]);
  });
  it('reports each hazard once, by squawk or by the project\'s rule, never both', async () => {
    const body = `${LOCK_EXAMPLES['require-concurrent-index-creation']}\nVACUUM FULL tb_post;\nTRUNCATE tv_post;\n${DESTRUCTIVE_EXAMPLES['ban-drop-table']}`;
    const found = (await lintSnippets([snippetFrom(`${header({ safety: 'writes' })}\n${body}\n`)], context(), lintRules)).filter((d) => d.severity === 'error');
    const byLine = Map.groupBy(found, (d) => d.line);
    expect(byLine.get(lineOf(body, 'CREATE INDEX'))?.map((d) => d.rule)).toEqual(['squawk/require-concurrent-index-creation']);
    expect(byLine.get(lineOf(body, 'VACUUM FULL'))?.map((d) => d.rule)).toEqual(['blocking-lock']);
    expect(byLine.get(lineOf(body, 'TRUNCATE'))?.map((d) => d.rule)).toEqual(['truncate-or-drop']);
    expect(byLine.get(lineOf(body, 'DROP TABLE'))?.map((d) => d.rule)).toEqual(['squawk/ban-drop-table']);
  });
});

describe('squawk: one run for the whole set', () => {
  let dir: string;
  let counter: string;
  const previous = process.env.PGTV_SQUAWK;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pgtv-squawk-test-'));
    counter = path.join(dir, 'runs');
    const wrapper = path.join(dir, 'squawk');
    writeFileSync(wrapper, `#!/usr/bin/env bash\necho run >> '${counter}'\nexec '${squawkBinary()}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    process.env.PGTV_SQUAWK = wrapper;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.PGTV_SQUAWK;
    else process.env.PGTV_SQUAWK = previous;
    rmSync(dir, { recursive: true, force: true });
  });
  it('starts squawk once for 40 snippets and every rule that asks for its findings', async () => {
    const snippets = Array.from({ length: 40 }, (_, i) => snippetFrom(`${header({ safety: 'writes' })}\nCREATE INDEX i${i} ON tb_post (title);\nVACUUM FULL tb_post;\n`, `test/many-${i}`));
    const started = performance.now();
    const found = await lintSnippets(snippets, context(), lintRules);
    const ms = performance.now() - started;
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toEqual(['run']);
    expect(found.filter((d) => d.rule === 'squawk/require-concurrent-index-creation')).toHaveLength(40);
    expect(found.filter((d) => d.rule === 'blocking-lock')).toHaveLength(40);
    expect(ms).toBeLessThan(10_000);
  });
  it('reports a statement squawk cannot parse, which PostgreSQL accepts, as a warning that it was not checked', async () => {
    const fake = path.join(dir, 'fake-squawk');
    writeFileSync(fake, `#!/usr/bin/env bash\nfor f in "$@"; do case "$f" in *.sql) file=$f;; esac; done\necho "[{\\"file\\":\\"$file\\",\\"line\\":6,\\"column\\":7,\\"level\\":\\"Error\\",\\"message\\":\\"expected R_PAREN\\",\\"help\\":null,\\"rule_name\\":\\"syntax-error\\"}]"\nexit 1\n`);
    chmodSync(fake, 0o755);
    process.env.PGTV_SQUAWK = fake;
    try {
      const found = await lint('SELECT 1;');
      expect(found).toMatchObject([{ rule: 'squawk/syntax-error', severity: 'warning', line: 7, column: 8 }]);
      expect(found[0].message).toContain('its lock and migration rules did not check this file');
      // A file the real parser rejects too is sql-syntax's to report.
      expect(await lint('SELECT count(* FROM tb_post;')).toEqual([]);
    } finally {
      process.env.PGTV_SQUAWK = path.join(dir, 'squawk');
    }
  });
});
