import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { glob } from 'astro/loaders';
import { defineCollection } from 'astro:content';
import { pageFrontmatterExtension } from './content/runbook-frontmatter.ts';

/**
 * Starlight's `docs` collection, read from content/ at the project root instead of
 * src/content/docs: the glob base is relative to Astro's root (the repository or a fixture).
 * Names starting with `_` are left out, as Starlight's own loader does.
 */
export const collections = {
  docs: defineCollection({
    loader: glob({ base: './content', pattern: '**/[^_]*.{md,mdx}' }),
    schema: docsSchema({ extend: pageFrontmatterExtension }),
  }),
  // The site is English only and keeps Starlight's own UI strings: one empty entry, so that
  // Starlight finds the collection it asks for and the build does not warn about it.
  i18n: defineCollection({ loader: () => [{ id: 'en' }], schema: i18nSchema() }),
};
