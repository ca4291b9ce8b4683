import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { scanPsqlScript } from '../../src/snippets/psql-script.ts';
import { commandLine, fillSqlParameters, quoteIdentifier, quoteLiteral } from '../../src/snippets/params.ts';

/**
 * The page fills parameters in with these functions (src/site/client/runbook-page.ts). A value
 * is inert when, filled into a statement, psql's own lexing still sees one statement with the
 * whole value inside one literal or one identifier, and the shell hands it over unchanged.
 */

const HOSTILE = [
  'post"; DROP TABLE tb_user; --',
  "post'; DROP TABLE tb_user; --",
  "x' OR '1'='1",
  'back\\slash\\\'; DROP TABLE tb_user; --',
  '$$; DROP TABLE tb_user; $$',
  '/* comment */ ; \\! rm -rf /',
  ':"entity" :\'entity\'',
  '</script><script>alert(1)</script>',
  'line\nbreak; DROP TABLE tb_user;',
  '',
];

describe.each(HOSTILE)('hostile value %j', (value) => {
  it('stays one literal', () => {
    const sql = fillSqlParameters("SELECT * FROM pg_tview_meta WHERE entity = :'entity';", { entity: value });
    const { units, variables, unterminated } = scanPsqlScript(sql);
    expect(unterminated).toBeUndefined();
    expect(units.filter((unit) => unit.kind === 'sql')).toHaveLength(1);
    expect(units.filter((unit) => unit.kind === 'meta')).toHaveLength(0);
    expect(variables).toHaveLength(0);
    expect(sql).toBe(`SELECT * FROM pg_tview_meta WHERE entity = ${quoteLiteral(value)};`);
    expect(sql.trimEnd().endsWith(';')).toBe(true);
  });

  it('stays one identifier', () => {
    const sql = fillSqlParameters('SELECT count(*) FROM :"tview";', { tview: value });
    const { units, variables, unterminated } = scanPsqlScript(sql);
    expect(unterminated).toBeUndefined();
    expect(units).toHaveLength(1);
    expect(variables).toHaveLength(0);
    expect(sql).toBe(`SELECT count(*) FROM ${quoteIdentifier(value)};`);
  });

  it('reaches psql unchanged through the shell command line', () => {
    const line = commandLine('sql', 'snippets/health/tview-status.sql', { entity: value });
    // Let a real shell split the line and print the argument after -v.
    const printed = execFileSync('bash', ['-c', `set -- ${line.replace(/^psql /, '')}; printf '%s' "$5"`], { encoding: 'utf8' });
    expect(printed).toBe(`entity=${value}`);
  });
});

describe('psql quoting', () => {
  it('doubles quotes inside a literal and an identifier', () => {
    expect(quoteLiteral('post"; DROP TABLE tb_user; --')).toBe(`'post"; DROP TABLE tb_user; --'`);
    expect(quoteIdentifier('post"; DROP TABLE tb_user; --')).toBe(`"post""; DROP TABLE tb_user; --"`);
    expect(quoteLiteral("it's")).toBe(`'it''s'`);
  });

  it('switches to an E literal when the value has a backslash, as libpq does', () => {
    expect(quoteLiteral('a\\b')).toBe(` E'a\\\\b'`);
  });
});
