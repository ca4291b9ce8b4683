import { describe, expect, it } from 'vitest';
import { runbooksSiteConfig } from '../../src/site/astro-config.ts';
import { siteUrl } from '../../src/site/site-url.ts';

/** SITE_URL: where the site is published, which gives it canonical links and a sitemap. */

describe('SITE_URL', () => {
  it('is an http(s) URL, taken as it is', () => {
    expect(siteUrl('https://runbooks.example.org/')).toBe('https://runbooks.example.org/');
    expect(siteUrl(' http://example.github.io/runbooks ')).toBe('http://example.github.io/runbooks');
  });

  it('may be unset or empty: no site', () => {
    expect(siteUrl(undefined)).toBeUndefined();
    expect(siteUrl('')).toBeUndefined();
  });

  it('is refused, by name, when it is not an http(s) URL', () => {
    expect(() => siteUrl('runbooks.example.org')).toThrow(/^SITE_URL is not a URL: 'runbooks.example.org'/);
    expect(() => siteUrl('ftp://runbooks.example.org/')).toThrow(/^SITE_URL must be an http\(s\) URL, not 'ftp:\/\/runbooks.example.org\/'/);
    expect(() => siteUrl('javascript:alert(1)')).toThrow(/^SITE_URL must be an http\(s\) URL/);
  });

  it("becomes Astro's site (read from the environment); without it, Starlight adds no sitemap integration that would warn", () => {
    const named = (config: ReturnType<typeof runbooksSiteConfig>) => (config.integrations ?? []).flat().map((integration) => (integration as { name: string }).name);
    const withSite = runbooksSiteConfig({ root: '/tmp/project', env: { SITE_URL: 'https://runbooks.example.org/' } });
    expect(withSite.site).toBe('https://runbooks.example.org/');
    expect(named(withSite)).not.toContain('@astrojs/sitemap');
    const without = runbooksSiteConfig({ root: '/tmp/project', env: {} });
    expect(without.site).toBeUndefined();
    expect(named(without)).toContain('@astrojs/sitemap');
  });
});
