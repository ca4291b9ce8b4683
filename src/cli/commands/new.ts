import path from 'node:path';
import { contentRoot, projectRoot, snippetsRoot } from '../../config/paths.ts';
import { SAFETY_CLASSES, type SafetyClass } from '../../snippets/header.ts';
import { createRunbookFile, createSnippetFile, PLACEHOLDER, ScaffoldError } from '../../snippets/scaffold.ts';
import { type Command, EXIT_OK, parseOptions } from '../command.ts';
import { UsageError } from '../../errors/index.ts';

const help = `usage: runbooks new snippet <area/name> [--bash] [--safety read-only|writes|destructive] [--title TEXT]
       runbooks new runbook <category/name> [--title TEXT] [--root DIR]

snippet: creates snippets/<area>/<name>.sql (or .sh with --bash) with a valid metadata header
and an example body that passes 'runbooks lint'. Refuses a name that is not <area>/<name> in
lower-case kebab words, and refuses to overwrite an existing snippet of that name.

--bash      a bash snippet instead of SQL
--safety    the declared safety class (default read-only)
--title     the title shown on the site (default: from the name)

runbook: creates content/<category>/<name>.mdx (category: a numbered folder such as
03-maintenance, created if new) with the frontmatter and every required section in order
(docs/authoring-runbooks.md). It passes the page rules as it is, so 'npm run dev' shows it,
but every text to write says ${PLACEHOLDER}: the strict build ('npm run site:build') refuses the
page, naming each line, until they are all written. Refuses to overwrite an existing page.

--title     the page title (default: a placeholder)
--root      the project to create it in (default: this repository)`;

export const newCommand: Command = {
  name: 'new',
  summary: 'scaffold a snippet (new snippet <area/name>) or a runbook page with every required section (new runbook <category/name>)',
  help,
  async run(args) {
    const { values, positionals } = parseOptions(args, { bash: { type: 'boolean' }, safety: { type: 'string' }, title: { type: 'string' }, root: { type: 'string' } }, true);
    const [kind, name, ...extra] = positionals;
    if (kind === 'runbook') return newRunbook(name, extra, values);
    if (kind !== 'snippet') throw new UsageError(kind === undefined ? 'say what to create: runbooks new snippet <area/name>, or runbooks new runbook <category/name>' : `cannot create '${kind}': 'snippet' or 'runbook'`);
    if (values.root) throw new UsageError('--root is for new runbook only');
    if (name === undefined) throw new UsageError('name the snippet: runbooks new snippet <area/name>');
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    const safety = (values.safety ?? 'read-only') as SafetyClass;
    if (!SAFETY_CLASSES.includes(safety)) throw new UsageError(`--safety must be one of ${SAFETY_CLASSES.join(', ')}`);
    try {
      const file = await createSnippetFile({ name, language: values.bash ? 'bash' : 'sql', safety, title: values.title, snippetsRoot });
      console.log(`created ${path.relative(projectRoot, file)}`);
      console.log(`embed it in a runbook with: ::snippet{name="${name}"}`);
      return EXIT_OK;
    } catch (error) {
      if (error instanceof ScaffoldError) throw new UsageError(error.message);
      throw error;
    }
  },
};

async function newRunbook(name: string | undefined, extra: string[], values: { bash?: boolean; safety?: string; title?: string; root?: string }): Promise<number> {
  if (name === undefined) throw new UsageError('name the runbook: runbooks new runbook <category/name>, e.g. 03-maintenance/reindex-bloated-tview');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (values.bash || values.safety) throw new UsageError('--bash and --safety are for new snippet only');
  const root = values.root ? path.resolve(values.root) : projectRoot;
  try {
    const file = await createRunbookFile({ name, title: values.title, contentRoot: values.root ? path.join(root, 'content') : contentRoot });
    console.log(`created ${path.relative(process.cwd(), file)}`);
    console.log(`replace every ${PLACEHOLDER} (the strict build refuses the page until none is left), then embed snippets with ::snippet{name="area/name"}`);
    console.log('see it while you write: npm run dev (snippets you save are linted and verified as you go)');
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ScaffoldError) throw new UsageError(error.message);
    throw error;
  }
}
