import { describe, expect, it } from 'vitest';
import { fillSqlParameters } from '../../src/snippets/params.ts';
import { scanPsqlScript } from '../../src/snippets/psql-script.ts';

describe('scanPsqlScript: variables in meta-command arguments', () => {
  it('lists them, as psql interpolates them, marked as being in a meta-command', () => {
    const { variables } = scanPsqlScript("\\echo :entity :'entity'\n\\if :{?entity}\n\\endif\nSELECT :'entity';");
    expect(variables.map((v) => [v.name, v.style, v.start.line, v.start.column, v.inMetaCommand ?? false])).toEqual([
      ['entity', 'raw', 1, 7, true],
      ['entity', 'literal', 1, 15, true],
      ['entity', 'defined', 2, 5, true],
      ['entity', 'literal', 4, 8, false],
    ]);
  });
  it('skips quoted and backquoted arguments, where psql does not interpolate', () => {
    const { variables } = scanPsqlScript("\\echo 'ratio 1:2 :x' \"y:z\" `echo :w`\n");
    expect(variables).toEqual([]);
  });
  it('keeps later statements intact', () => {
    const { units } = scanPsqlScript('\\set n 3\nSELECT :n;');
    expect(units.map((u) => u.kind)).toEqual(['meta', 'sql']);
  });
  it('fills parameters in meta-commands the way psql would', () => {
    expect(fillSqlParameters("\\echo :'entity'\nSELECT :'entity';", { entity: "o'k" })).toBe("\\echo 'o''k'\nSELECT 'o''k';");
  });
});
