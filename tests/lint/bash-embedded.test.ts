import { describe, expect, it } from 'vitest';
import { embeddedPsqlText } from '../../src/lint/bash/embedded-sql.ts';
import { lintSnippets } from '../../src/lint/index.ts';
import { apiFunctionRule } from '../../src/lint/rules/api-function.ts';
import { truncateOrDropRule } from '../../src/lint/rules/truncate-or-drop.ts';
import { context, header, snippetFrom } from './helpers.ts';

describe('SQL handed to psql by bash snippets', () => {
  it('lays out -c arguments and here-documents at their own positions, expansions as names', () => {
    const script = [
      '# psql -c \'DROP TABLE commented_out\'',
      'psql -X -c \'SELECT 1\' --command="SELECT * FROM ${table} WHERE e = \'$entity\'"',
      "psql -X <<'SQL'",
      'SELECT $keep;',
      'SQL',
      'echo "psql -c \'not a command\'"',
    ].join('\n');
    const text = embeddedPsqlText(script)!;
    expect(text).toHaveLength(script.length);
    expect(text.split('\n').map((line) => line.trim())).toEqual([
      '',
      "SELECT 1;            SELECT * FROM xxxxxxxx WHERE e = 'xxxxxxx';",
      '',
      'SELECT $keep;',
      ';',
      '',
    ]);
  });
  it('finds nothing in a script that runs no psql', () => {
    expect(embeddedPsqlText('echo hello\nls -l\n')).toBeUndefined();
  });
  it('lints that SQL with the script\'s lines and columns', async () => {
    const body = "set -euo pipefail\npsql -X -c 'SELECT pg_tviews_get_queue()'\npsql -X <<'SQL'\nTRUNCATE tv_post;\nSQL";
    const snippet = snippetFrom(`#!/usr/bin/env bash\n${header({ prefix: '#', safety: 'writes' })}\n${body}\n`, 'test/script', 'bash');
    const found = await lintSnippets([snippet], context(), [apiFunctionRule, truncateOrDropRule]);
    expect(found.map((d) => [d.rule, d.line, d.column])).toEqual([
      ['api-function', 9, 20],
      ['truncate-or-drop', 11, 1],
    ]);
  });
});
