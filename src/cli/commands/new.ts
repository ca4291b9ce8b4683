import path from 'node:path';
import { projectRoot, snippetsRoot } from '../../config/paths.ts';
import { SAFETY_CLASSES, type SafetyClass } from '../../snippets/header.ts';
import { createSnippetFile, ScaffoldError } from '../../snippets/scaffold.ts';
import { type Command, EXIT_OK, parseOptions } from '../command.ts';
import { UsageError } from '../../errors/index.ts';

const help = `usage: runbooks new snippet <area/name> [--bash] [--safety read-only|writes|destructive] [--title TEXT]

Creates snippets/<area>/<name>.sql (or .sh with --bash) with a valid metadata header and an
example body that passes 'runbooks lint'. Refuses a name that is not <area>/<name> in
lower-case kebab words, and refuses to overwrite an existing snippet of that name.

--bash      a bash snippet instead of SQL
--safety    the declared safety class (default read-only)
--title     the title shown on the site (default: from the name)`;

export const newCommand: Command = {
  name: 'new',
  summary: 'scaffold a snippet with a valid header (runbooks new snippet <area/name>)',
  help,
  async run(args) {
    const { values, positionals } = parseOptions(args, { bash: { type: 'boolean' }, safety: { type: 'string' }, title: { type: 'string' } }, true);
    const [kind, name, ...extra] = positionals;
    if (kind !== 'snippet') throw new UsageError(kind === undefined ? 'say what to create: runbooks new snippet <area/name>' : `cannot create '${kind}': only 'snippet' is supported`);
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
