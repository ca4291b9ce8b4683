import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unified } from '@astrojs/markdown-remark';
import starlight from '@astrojs/starlight';
import type { AstroUserConfig } from 'astro';
import { categoryLabel, isCategoryFolder } from './content/categories.ts';
import { runbooksSite } from './integration.ts';
import { projectPaths } from './project.ts';

/**
 * The Astro configuration of a runbook site rooted at `root` (the repository, or a test
 * fixture with the same layout: content/, snippets/, reports/verify.json). The site's code
 * (pages, components, content config) always comes from this folder, src/site.
 */

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export function runbooksSiteConfig({ root }: { root: string }): AstroUserConfig {
  const paths = projectPaths(root);
  return {
    root: paths.root,
    srcDir: here('./'),
    outDir: path.join(paths.root, 'dist'),
    // Shared by every site built from this code (favicon), whatever the root.
    publicDir: here('./public'),
    // Directory URLs (`/report/`) work from any static server; no server logic is assumed.
    build: { format: 'directory' },
    markdown: { processor: unified() },
    integrations: [
      runbooksSite({ paths }),
      starlight({
        title: 'pg_tviews runbooks',
        description: 'Verified operations runbooks for pg_tviews: every command on these pages ran against the real extension.',
        sidebar: sidebar(paths.contentDir),
        customCss: [here('./styles/runbooks.css')],
        components: {
          MarkdownContent: here('./components/MarkdownContent.astro'),
          Search: here('./components/Search.astro'),
        },
        // Starlight's own Markdown transforms (asides, heading links) for content/ outside src/.
        markdown: { processedDirs: [paths.contentDir] },
        tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 },
        pagefind: true,
      }),
    ],
  };
}

type SidebarItems = NonNullable<Parameters<typeof starlight>[0]['sidebar']>;

/** Home and report first, then one group per category folder that exists, then other pages. */
function sidebar(contentDir: string): SidebarItems {
  let entries: { name: string; isDirectory: () => boolean }[] = [];
  try {
    entries = readdirSync(contentDir, { withFileTypes: true });
  } catch {
    // No content yet: the home page and the report still build.
  }
  const categories = entries.filter((entry) => entry.isDirectory() && isCategoryFolder(entry.name)).map((entry) => entry.name).sort();
  const otherPages = entries
    .filter((entry) => !entry.isDirectory() && /^[^_].*\.mdx?$/.test(entry.name))
    .map((entry) => entry.name.replace(/\.mdx?$/, ''))
    .sort();
  return [
    { label: 'I have an incident', link: '/' },
    ...categories.map((folder) => ({ label: categoryLabel(folder), items: [{ autogenerate: { directory: folder } }] })),
    ...(otherPages.length > 0 ? [{ label: 'More', items: otherPages.map((slug) => ({ slug })) }] : []),
    { label: 'Verification report', link: '/report/' },
  ];
}
