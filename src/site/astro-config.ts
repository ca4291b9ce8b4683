import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unified } from '@astrojs/markdown-remark';
import starlight from '@astrojs/starlight';
import type { AstroUserConfig } from 'astro';
import { contentFiles } from './check/check-site.ts';
import { categoryLabel } from './content/categories.ts';
import { parsePage } from './content/parse-page.ts';
import { runbooksSite } from './integration.ts';
import { projectPaths, type ProjectPaths } from './project.ts';
import { noSitemap, siteUrl } from './site-url.ts';

/**
 * The Astro configuration of a runbook site rooted at `root` (the repository, or a test
 * fixture with the same layout: content/, snippets/, reports/verify.json). The site's code
 * (pages, components, content config) always comes from this folder, src/site. Where it is
 * published comes from SITE_URL (site-url.ts).
 */

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export function runbooksSiteConfig({ root, env = process.env }: { root: string; env?: Record<string, string | undefined> }): AstroUserConfig {
  const paths = projectPaths(root);
  const site = siteUrl(env.SITE_URL);
  return {
    root: paths.root,
    // Canonical links and the sitemap; without it, neither (and the build says how to get them).
    site,
    srcDir: here('./'),
    outDir: path.join(paths.root, 'dist'),
    // Shared by every site built from this code (favicon), whatever the root.
    publicDir: here('./public'),
    // Directory URLs (`/report/`) work from any static server; no server logic is assumed.
    build: { format: 'directory' },
    markdown: { processor: unified() },
    integrations: [
      runbooksSite({ paths }),
      ...(site ? [] : [noSitemap()]),
      starlight({
        title: 'pg_tviews runbooks',
        description: 'Verified operations runbooks for pg_tviews: every command on these pages ran against the real extension.',
        sidebar: sidebar(paths),
        customCss: [here('./styles/runbooks.css')],
        components: {
          MarkdownContent: here('./components/MarkdownContent.astro'),
          Search: here('./components/Search.astro'),
        },
        // Starlight's own Markdown transforms (asides, heading links) for content/ outside src/.
        markdown: { processedDirs: [paths.contentDir] },
        tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 },
        pagefind: true,
        // src/site/pages/404.astro points a lost reader back to the symptom index.
        disable404Route: true,
      }),
    ],
  };
}

type SidebarItems = NonNullable<Parameters<typeof starlight>[0]['sidebar']>;

/**
 * Home first, then one group per category folder, then other pages, then the report.
 * Items are listed by slug (Starlight's `autogenerate` only sees folders under
 * src/content/docs), ordered by `sidebar.order`, then title. Read when Astro starts: restart
 * `astro dev` after adding or renaming a page.
 */
function sidebar(paths: ProjectPaths): SidebarItems {
  const pages = contentFiles(paths.contentDir).map((file) => {
    const page = parsePage(readFileSync(file, 'utf8'), file, paths);
    const order = (page.data?.sidebar as { order?: unknown } | undefined)?.order;
    return { slug: page.contentPath, category: page.category, title: String(page.data?.title ?? page.contentPath), order: typeof order === 'number' ? order : Number.POSITIVE_INFINITY };
  });
  const sorted = (list: typeof pages) => [...list].sort((a, b) => a.order - b.order || a.title.localeCompare(b.title)).map(({ slug }) => ({ slug }));
  const categories = [...new Set(pages.flatMap((page) => (page.category ? [page.category] : [])))].sort();
  const others = pages.filter((page) => !page.category && !page.slug.includes('/') && page.slug !== 'index');
  return [
    { label: 'I have an incident', link: '/' },
    ...categories.map((category) => ({ label: categoryLabel(category), items: sorted(pages.filter((page) => page.category === category)) })),
    ...(others.length > 0 ? [{ label: 'More', items: sorted(others) }] : []),
    { label: 'Verification report', link: '/report/' },
  ];
}
