import type { AstroIntegration } from 'astro';
import { isUnifiedProcessor } from '@astrojs/markdown-remark';
import { AstroError } from 'astro/errors';
import remarkDirective from 'remark-directive';
import type { Plugin } from 'vite';
import { checkSite, formatProblems } from './check/check-site.ts';
import type { ProjectPaths } from './project.ts';
import { SITE_URL_HINT } from './site-url.ts';
import { remarkChecklist } from './remark/remark-checklist.ts';
import { remarkRunbookSnippets } from './remark/remark-runbook-snippets.ts';

/**
 * The Astro integration that makes a Starlight site a runbook site:
 * - `astro build` is strict: before anything renders, every page is checked and all problems
 *   are listed with file and line (missing, failed, unverified or stale snippets; sections;
 *   frontmatter), and the build stops if there is one;
 * - says, when building without SITE_URL, how to get canonical links and a sitemap;
 * - registers the `::snippet` remark plugin ahead of Starlight's own, and the checklist plugin
 *   that makes the task lists of `checklist: true` pages interactive;
 * - exposes the project paths to pages and components as `virtual:runbooks-site`;
 * - in `astro dev`, runs the author's live loop (dev/snippet-loop.ts): a saved snippet is
 *   linted and verified against the `runbooks db up` server, and its badge on the open page
 *   changes in place.
 */

export const VIRTUAL_MODULE = 'virtual:runbooks-site';

export interface SiteSettings {
  root: string;
  strict: boolean;
  base: string;
}

export function runbooksSite({ paths }: { paths: ProjectPaths }): AstroIntegration {
  let loop: { stop(): void } | undefined;
  let base = '/';
  return {
    name: 'runbooks-site',
    hooks: {
      'astro:config:setup': ({ command, config, updateConfig, logger }) => {
        const strict = command === 'build';
        base = config.base.endsWith('/') ? config.base : `${config.base}/`;
        if (strict) {
          const check = checkSite(paths);
          if (check.problems.length > 0) {
            throw new AstroError(
              `The site cannot be published: ${check.problems.length} problem${check.problems.length === 1 ? '' : 's'} in ${paths.root}\n${formatProblems(check.problems)}`,
              'Every embedded snippet must be verified by the current reports/verify.json: unchanged since, and passed on every target it claims (run `runbooks verify`; docs/report-schema.md says how the site reads the report), and every runbook must have the required frontmatter and sections: see docs/authoring-runbooks.md.',
            );
          }
          logger.info(`checked ${check.pages} content page${check.pages === 1 ? '' : 's'}: every embedded snippet passed on every target it claims`);
        }
        if (command === 'build' && !config.site) logger.info(SITE_URL_HINT);
        const processor = config.markdown.processor;
        if (!isUnifiedProcessor(processor)) {
          throw new Error('the runbook site needs `markdown.processor: unified()` from @astrojs/markdown-remark: ::snippet is a remark plugin');
        }
        // First in the list: snippets are replaced before Starlight's directive handling runs.
        processor.options.remarkPlugins.unshift(remarkDirective, [remarkRunbookSnippets, { paths, strict, base }], [remarkChecklist, { contentDir: paths.contentDir, strict }]);
        const settings: SiteSettings = { root: paths.root, strict, base };
        updateConfig({ vite: { plugins: [virtualSettings(settings)] } });
      },
      // Imported here, not above: the loop loads lint and verify, which `astro build` never needs.
      'astro:server:setup': async ({ server, logger }) => {
        const { startSnippetLoop } = await import('./dev/snippet-loop.ts');
        loop = startSnippetLoop({ server, logger, paths, base });
      },
      'astro:server:done': () => {
        loop?.stop();
        loop = undefined;
      },
    },
  };
}

function virtualSettings(settings: SiteSettings): Plugin {
  const resolved = `\0${VIRTUAL_MODULE}`;
  return {
    name: 'runbooks-site-settings',
    resolveId: (id) => (id === VIRTUAL_MODULE ? resolved : undefined),
    load: (id) => (id === resolved ? `export default ${JSON.stringify(settings)};` : undefined),
  };
}
