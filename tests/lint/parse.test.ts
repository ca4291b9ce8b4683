import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTargets } from '../../src/config/targets.ts';
import { provisionTarget } from '../../src/db/local/provision.ts';
import { didYouMean } from '../../src/lint/api/did-you-mean.ts';
import { isPsqlMetaCommand } from '../../src/lint/psql-commands.ts';
import { analyzeSql, loadSqlParser, maskPsqlScript } from '../../src/lint/sql/parse.ts';
import { scanPsqlScript } from '../../src/snippets/psql-script.ts';

beforeAll(() => loadSqlParser());

describe('masking a psql script for the SQL parser', () => {
  it('keeps every offset and gives each variable a stand-in of its kind', () => {
    const text = "SELECT :'entity', :\"tview\", :n, :{?x} \\gset\n\\echo :n\nSELECT arr[1:2];";
    const masked = maskPsqlScript(text, scanPsqlScript(text));
    expect(masked).toHaveLength(text.length);
    expect(masked).toBe("SELECT ':entity', \":tview\", _n, true  ;    \n        \nSELECT arr[1:2];");
  });
  it('parses every statement and maps locations to file lines and columns, past non-ASCII text', () => {
    const analysis = analyzeSql("-- é — ü\nSELECT 'ü€', pg_tviews_version();\n  SELECT 2;");
    expect(analysis.syntaxErrors).toEqual([]);
    expect(analysis.statements.map((s) => [s.type, s.at(undefined).line, s.at(undefined).column])).toEqual([['SelectStmt', 2, 1], ['SelectStmt', 3, 3]]);
    const call = analysis.statements[0].fields.targetList[1].ResTarget.val.FuncCall;
    expect(analysis.statements[0].at(call.location)).toMatchObject({ line: 2, column: 14 });
  });
  it('reads DO blocks with PL/pgSQL and maps their statements back into the file', () => {
    const text = "DO $$\nDECLARE n int;\nBEGIN\n  PERFORM pg_tviews_version();\n  n := (SELECT count(*) FROM tb_post);\n  EXECUTE 'TRUNCATE ' || quote_ident('tv_post');\n  EXECUTE some_text;\nEND $$;";
    const analysis = analyzeSql(text);
    const inner = analysis.statements.filter((s) => s.origin !== 'script');
    expect(inner.map((s) => [s.origin, s.type, s.at(undefined).line, s.at(undefined).column])).toEqual([
      ['do-block', 'SelectStmt', 4, 11],
      ['do-block', 'SelectStmt', 5, 3],
      ['do-block', 'SelectStmt', 6, 11],
      ['dynamic', 'TruncateStmt', 6, 11],
      ['do-block', 'SelectStmt', 7, 11],
    ]);
    expect(analysis.opaque).toEqual([{ position: expect.objectContaining({ line: 7, column: 11 }), why: 'EXECUTE of SQL built at run time that lint cannot read' }]);
  });
});

describe('psql meta-commands', () => {
  it.each(loadTargets().all.map((t) => [t.id, t] as const))('accepts every command the psql of %s lists, with its modifiers', async (_, target) => {
    const { installDir } = await provisionTarget(target, 'postgres');
    const help = execFileSync(path.join(installDir, 'bin', 'psql'), ['--help=commands'], { encoding: 'utf8' });
    const listed = [...help.matchAll(/^ {2}\\(\S+)/gm)].map((m) => m[1]);
    expect(listed.length).toBeGreaterThan(80);
    for (const entry of listed) {
      const bare = entry.replace(/\[[^\]]*\]/g, '');
      const withModifiers = entry.replace(/\[([^\]]*)\]/g, (_, letters: string) => letters);
      expect(isPsqlMetaCommand(bare), bare).toBe(true);
      expect(isPsqlMetaCommand(withModifiers), withModifiers).toBe(true);
    }
  });
  it('rejects what psql does not have', () => {
    for (const name of ['TITLE', 'title', 'foo', 'gsetx', 'dq', 'echox']) expect(isPsqlMetaCommand(name), name).toBe(false);
  });
});

describe('did-you-mean', () => {
  const names = ['pg_tviews_queue_stats', 'pg_tviews_debug_queue', 'pg_tview_meta', 'pg_tviews_refresh', 'pg_tviews_health_check'];
  it('ranks shared words first, then edit distance', () => {
    expect(didYouMean('pg_tviews_get_queue', names)).toEqual(['pg_tviews_debug_queue', 'pg_tviews_queue_stats']);
    expect(didYouMean('pg_tviews_metadata', names)).toEqual(['pg_tview_meta']);
    expect(didYouMean('pg_tviews_refesh', names)).toEqual(['pg_tviews_refresh']);
  });
  it('suggests nothing when nothing is close', () => {
    expect(didYouMean('pg_tviews_commit_prepared', names)).toEqual([]);
  });
});
