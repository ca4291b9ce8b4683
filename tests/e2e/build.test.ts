import { describe, expect, it } from 'vitest';
import { buildFixture, startDevServer } from './harness.ts';

/**
 * The strict build and `astro dev`, run for real on the fixture sites: the build refuses a
 * snippet that is not verified and names the file, line and snippet; the dev server shows the
 * same page with a red badge instead.
 */

describe('astro build', () => {
  it.each([
    ['stale', 'snippet "health/prepared-count" is stale: snippets/health/prepared-count.sql changed after reports/verify.json was written'],
    ['missing', 'snippet "health/not-there" is missing: there is no snippet file snippets/health/not-there.sql or .sh'],
    ['failed', 'snippet "health/prepared-count" is failed: verification failed on pg16 (PostgreSQL 16.15): relation "pg_prepared_xact" does not exist'],
    ['unverified', 'snippet "health/prepared-count" is unverified: reports/verify.json has no entry for it'],
    ['uncovered', 'snippet "health/prepared-count" is unverified: reports/verify.json has no run on pg16 (PostgreSQL 16.15) (run `runbooks verify --target pg16`)'],
  ])('fails on the %s fixture, naming file, line and snippet', (name, message) => {
    const run = buildFixture(name);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain(`content/01-health-monitoring/queue-check.mdx:28:1: ${message}`);
    expect(run.output).toContain('The site cannot be published: 1 problem');
  });
});

describe('astro dev', () => {
  it('shows a stale snippet with a red badge, linked to the report', async () => {
    const server = await startDevServer('stale', 4391);
    try {
      const html = await (await fetch(`${server.origin}/01-health-monitoring/queue-check/`)).text();
      expect(html).toMatch(/<figure class="rb-snippet[^"]*" data-snippet="health\/prepared-count" data-status="stale"/);
      expect(html).toMatch(/<a class="rb-badge rb-badge--unverified" href="\/report\/#snippet--health--prepared-count"><span aria-hidden="true">✖ <\/span>Not verified: changed since the report: snippets\/health\/prepared-count.sql changed after reports\/verify.json was written/);
      expect(html).not.toContain('class="rb-badge rb-badge--verified"');
    } finally {
      await server.stop();
    }
  });
});
