import { describe, expect, it } from 'vitest';
import { toJunit } from '../../src/report/junit.ts';
import { type Report, reportSchema } from '../../src/report/schema.ts';
import { scanPsqlScript } from '../../src/snippets/psql-script.ts';
import { parseCsv } from '../../src/verify/csv.ts';
import { checkExpectations } from '../../src/verify/expectations.ts';
import { renderResult, wrapScript } from '../../src/verify/psql-runner.ts';
import { mapPool } from '../../src/verify/run.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks', () => {
    expect(parseCsv('a,b\n"x,1","say ""hi"""\n"two\nlines",\n')).toEqual([
      ['a', 'b'],
      ['x,1', 'say "hi"'],
      ['two\nlines', ''],
    ]);
  });

  it('gives no rows for empty input and no trailing empty row', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('only\n')).toEqual([['only']]);
  });
});

describe('wrapScript', () => {
  const source = "\\echo start\nSELECT 1;\nSELECT :'x' \\gset\nUPDATE t SET a = 1 WHERE b = 2;\n";
  const { units } = scanPsqlScript(source);

  it('keeps every statement byte for byte, in order, between markers', () => {
    const script = wrapScript(units, source, 'read-only', '@@M@@', '<null>');
    expect(script).toContain('BEGIN TRANSACTION READ ONLY;');
    expect(script.trimEnd().endsWith('ROLLBACK;')).toBe(true);
    const body = script.split('\n').filter((l) => !l.startsWith('\\echo @@M@@') && !l.startsWith('\\set') && !l.startsWith('\\pset') && !/^(BEGIN|ROLLBACK)/.test(l));
    expect(body.join('\n').trimEnd()).toBe(source.trimEnd());
    expect(script.match(/\\echo @@M@@\d+/g)).toEqual(['\\echo @@M@@0', '\\echo @@M@@1', '\\echo @@M@@2', '\\echo @@M@@3']);
  });

  it('adds no transaction when the snippet runs as written', () => {
    const script = wrapScript(units, source, 'none', '@@M@@', '<null>');
    expect(script).not.toMatch(/^BEGIN|^ROLLBACK/m);
  });
});

describe('renderResult', () => {
  it('renders a header, a rule, the rows and a count', () => {
    expect(renderResult({ columns: ['entity', 'n'], rows: [['post', '3'], ['user', null]], truncated: false, rowCount: 2 })).toBe(
      [' entity | n', '--------+---', ' post   | 3', ' user   |', '(2 rows)'].join('\n'),
    );
  });
});

describe('checkExpectations', () => {
  const result = { columns: ['a', 'b'], rows: [['1', '2']], truncated: false, rowCount: 1 };

  it('passes what the header promised', () => {
    const checks = checkExpectations({ columns: ['a', 'b'], rows: { min: 1, max: 1 }, output: ['^ a \\| b'] }, { results: [result], text: ' a | b' }, 'sql');
    expect(checks.map((c) => `${c.name}:${c.status}`)).toEqual(['no-error:passed', 'expect-columns:passed', 'expect-rows:passed', 'expect-output:passed']);
  });

  it('fails each broken promise with a message that says what was seen', () => {
    const checks = checkExpectations({ columns: ['a'], rows: { min: 2 }, output: ['DRIFTED'] }, { results: [result], text: 'OK', error: 'ERROR: boom' }, 'sql');
    expect(checks.filter((c) => c.status === 'failed').map((c) => c.message)).toEqual([
      'ERROR: boom',
      'columns [a, b], expected [a]',
      '1 rows, expected 2..∞',
      'output does not match /DRIFTED/',
    ]);
  });

  it('turns a declared error into the thing to check', () => {
    expect(checkExpectations({ error: 'does not exist' }, { results: [], text: '', error: 'ERROR: x does not exist' }, 'sql')[0].status).toBe('passed');
    expect(checkExpectations({ error: 'does not exist' }, { results: [], text: '' }, 'sql')[0]).toMatchObject({ status: 'failed', message: 'expected an error matching /does not exist/, but it succeeded' });
  });

  it('checks a bash script exit status, 0 unless declared', () => {
    expect(checkExpectations({}, { results: [], text: '', exitCode: 1 }, 'bash')[0]).toMatchObject({ name: 'expect-exit-code', status: 'failed' });
    expect(checkExpectations({ exitCode: 1 }, { results: [], text: '', exitCode: 1 }, 'bash')[0].status).toBe('passed');
  });
});

describe('mapPool', () => {
  it('keeps the order of results and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapPool([30, 10, 20, 5, 15], 2, async (ms) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return ms * 2;
    });
    expect(results).toEqual([60, 20, 40, 10, 30]);
    expect(most).toBe(2);
  });
});

describe('toJunit', () => {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const target = (id: string, postgres: string, primary: boolean) => ({ id, primary, postgres, pgTviews: '0.1.0-beta.34', provider: 'local', summary: { snippets: counts, scenarios: counts, durationMs: 0 } });
  const report: Report = reportSchema.parse({
    schemaVersion: 2,
    generatedAt: '2026-11-25T12:00:00.000Z',
    environment: { commit: null, dirty: false, node: '24.0.0' },
    targets: [target('pg18', '18.6', true), target('pg16', '16.15', false)],
    partial: false,
    summary: { snippets: { passed: 1, failed: 1, skipped: 0 }, scenarios: counts, durationMs: 10 },
    snippets: [
      { name: 'a/ok', file: 'snippets/a/ok.sql', language: 'sql', sha256: '0'.repeat(64), status: 'passed', targets: { pg18: { status: 'passed', checks: [], durationMs: 5 }, pg16: { status: 'passed', checks: [], durationMs: 7 } } },
      {
        name: 'a/bad<&>',
        file: 'snippets/a/bad.sql',
        language: 'sql',
        sha256: '1'.repeat(64),
        status: 'failed',
        targets: {
          pg18: { status: 'failed', checks: [{ name: 'no-error', status: 'failed', message: 'ERROR: "x" <y>\u0001' }], durationMs: 5, error: { message: 'ERROR: "x" <y>', file: 'snippets/a/bad.sql', line: 3 } },
          pg16: { status: 'skipped', reason: 'not claimed: PostgreSQL 16 has no <pg_stat_checkpointer>', checks: [], durationMs: 0 },
        },
      },
      // Verified on the primary target only so far: no testcase in the other target's suite.
      { name: 'a/new', file: 'snippets/a/new.sql', language: 'sql', sha256: '2'.repeat(64), status: 'passed', targets: { pg18: { status: 'passed', checks: [], durationMs: 1 } } },
    ],
    scenarios: [],
  });

  it('writes one suite per target and kind, one testcase per run, failures with file and line, escaped', () => {
    const xml = toJunit(report);
    expect([...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)" skipped="(\d+)"/g)].map((m) => m.slice(1).join(' '))).toEqual([
      'snippets on pg18 3 1 0',
      'scenarios on pg18 0 0 0',
      'snippets on pg16 2 0 1',
      'scenarios on pg16 0 0 0',
    ]);
    expect(xml).toContain('name="a/bad&lt;&amp;&gt;"');
    expect(xml).toContain('<failure message="snippets/a/bad.sql:3: ERROR: &quot;x&quot; &lt;y&gt;">');
    expect(xml).toContain('<skipped message="not claimed: PostgreSQL 16 has no &lt;pg_stat_checkpointer&gt;"/>');
    expect(xml).not.toContain('\u0001');
    expect(xml.match(/name="a\/new"/g)).toHaveLength(1);
  });
});
