import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../src/releases/crates.ts';

describe('compareVersions', () => {
  it('orders releases as semantic versioning does, prereleases included', () => {
    const shuffled = ['0.1.0', '0.1.0-beta.10', '0.1.0-beta.9', '0.1.0-alpha.1', '0.2.0-beta.1', '0.1.1', '0.1.0-beta.34'];
    expect([...shuffled].sort(compareVersions)).toEqual(['0.1.0-alpha.1', '0.1.0-beta.9', '0.1.0-beta.10', '0.1.0-beta.34', '0.1.0', '0.1.1', '0.2.0-beta.1']);
    expect(compareVersions('0.1.0-beta.34', '0.1.0-beta.34')).toBe(0);
    expect(compareVersions('1.0.0-rc.1', '1.0.0-rc.1.1')).toBeLessThan(0);
  });
});
