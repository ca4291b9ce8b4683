import { defineConfig } from 'vitest/config';

/**
 * Three kinds of tests:
 *  - unit: no database, no browser (tests/unit, tests/lint, tests/site);
 *  - integration: against the real PostgreSQL + pg_tviews, one server for the whole run,
 *    started by tests/integration/global-setup.ts and removed after;
 *  - e2e: the built site in Debian's Chromium.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/lint/**/*.test.ts', 'tests/site/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
