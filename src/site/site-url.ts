import type { AstroIntegration } from 'astro';

/**
 * Where the site is published, from the environment: `SITE_URL` becomes Astro's `site`, which
 * gives every page its canonical link (Starlight) and the build its sitemap-index.xml
 * (@astrojs/sitemap, which Starlight adds). The Pages workflow sets it to the URL
 * actions/configure-pages reports. Without it a build leaves both out and says, in one line,
 * how to get them.
 */

export const SITE_URL_HINT = 'no SITE_URL: canonical links and sitemap.xml are left out; set SITE_URL=https://… (where the site is published) to get them';

/** The validated SITE_URL, or undefined when it is unset or empty. */
export function siteUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`SITE_URL is not a URL: '${value}'; set it to where the site is published, e.g. SITE_URL=https://example.github.io/, or unset it`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`SITE_URL must be an http(s) URL, not '${value}' (${url.protocol.slice(0, -1)}); e.g. SITE_URL=https://example.github.io/`);
  }
  return url.href;
}

/**
 * Without a site, this takes the place of @astrojs/sitemap, which Starlight adds only when no
 * integration of that name is configured and which would warn that it needs `site`; the
 * runbook site's integration prints SITE_URL_HINT instead.
 */
export function noSitemap(): AstroIntegration {
  return { name: '@astrojs/sitemap', hooks: {} };
}
