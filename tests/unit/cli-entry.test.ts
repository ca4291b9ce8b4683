import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/paths.ts';

const entry = path.join(projectRoot, 'scripts', 'runbooks.ts');
const shebang = readFileSync(entry, 'utf8').split('\n')[0];
const scripts = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).scripts as Record<string, string>;

describe('the runbooks command line', () => {
  it('starts Node with the baseline WebAssembly compiler only, which keeps lint small', () => {
    expect(shebang).toBe('#!/usr/bin/env -S node --liftoff-only');
  });

  it('is started the same way by every npm script that runs it', () => {
    const flags = shebang.replace('#!/usr/bin/env -S node', '').trim();
    const calls = Object.entries(scripts).flatMap(([name, line]) => [...line.matchAll(/node((?: --?[\w-]+)*) scripts\/runbooks\.ts/g)].map((m) => [name, m[1].trim()]));
    expect(calls.length).toBeGreaterThanOrEqual(4);
    for (const [name, used] of calls) expect(used, `npm script ${name}`).toBe(flags);
  });

  it('is also how npm run dev starts astro dev, whose live loop lints each saved snippet in-process', () => {
    const flags = shebang.replace('#!/usr/bin/env -S node', '').trim();
    for (const name of ['dev', 'site:dev']) {
      const match = /^node((?: --?[\w-]+)*) node_modules\/astro\/bin\/astro\.mjs dev$/.exec(scripts[name] ?? '');
      expect(match, `npm script ${name}: ${scripts[name]}`).not.toBeNull();
      expect(match![1].trim(), `npm script ${name}`).toBe(flags);
    }
  });
});
