import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/paths.ts';

/**
 * scripts/health-check.sql is meant to be saved and run on its own, so it carries the health
 * check runbook's snippets in its sections rather than including them. These sections must stay
 * the snippets, unchanged: the snippets are what verification runs one by one.
 */

const read = (name: string) => readFileSync(path.join(projectRoot, 'snippets', `${name}.sql`), 'utf8');
/** The SQL after a snippet's header. */
const body = (name: string) => read(name).split('-- ---\n')[2].trim();

/** `\echo '== …'` sections of the script, by the start of their title. */
function sections(script: string): Map<string, string> {
  const parts = script.split(/^\\echo '== ([^'(]*?)\s*(?:\([^']*\))?'\n/m);
  const found = new Map<string, string>();
  for (let i = 1; i < parts.length; i += 2) found.set(parts[i], parts[i + 1].trim());
  return found;
}

describe('scripts/health-check.sql', () => {
  const script = sections(read('scripts/health-check'));

  it.each([
    ['Extension', 'health/extension-status'],
    ['TVIEW status', 'health/tview-catalog'],
    ['pg_tviews triggers with problems', 'health/trigger-problems'],
    ['Sampled drift', 'health/tview-drift-sample'],
    ['Refresh counters', 'health/refresh-counters'],
  ])('section "%s" is snippet %s, unchanged', (title, snippet) => {
    expect(script.get(title), `no section "${title}" in the script`).toBeDefined();
    expect(script.get(title)).toBe(body(snippet));
  });
});
