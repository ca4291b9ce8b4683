import { stat } from 'node:fs/promises';
import path from 'node:path';
import { contentRoot, projectRoot, snippetsRoot } from '../../config/paths.ts';
import { projectSnapshots } from '../../api/live.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, parseOptions } from '../command.ts';
import { UsageError } from '../../errors/index.ts';

const help = `usage: runbooks lint [--root DIR] [--format text|github] [--rules] [paths…]

Checks snippets and runbooks without a database: SQL through the real PostgreSQL 17 parser,
psql meta-commands, bash -n and shellcheck, headers, names, ::snippet references, pg_tviews
objects against the API snapshot, derived against declared safety, operations-safety rules,
and squawk's lock and migration hazards.

paths     files or folders (snippets .sql/.sh, runbooks .md/.mdx); default: snippets/ content/
--root    the project to lint (its snippets/ and content/); default: this repository
--format  text (default): one 'file:line:col  rule  message' line per problem, with the fix
          on the next line; github: one GitHub Actions workflow command per problem
          ('::error file=…,line=…,col=…,title=<rule>::message'), which a workflow turns into an
          annotation on that line of the pull request
--rules   list the rules with what each catches, and exit

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage or environment error.`;

export const lintCommand: Command = {
  name: 'lint',
  summary: 'check snippets and runbooks without a database (level 1)',
  help,
  async run(args) {
    const { values, positionals } = parseOptions(args, { rules: { type: 'boolean' }, root: { type: 'string' }, format: { type: 'string', default: 'text' } }, true);
    if (values.format !== 'text' && values.format !== 'github') throw new UsageError(`--format takes text or github, not '${values.format}'`);
    // Loaded here, not at the top: every other command would otherwise pay for the parsers.
    const { formatDiagnostic, lintPaths, lintRules } = await import('../../lint/index.ts');
    const { formatDiagnosticGithub } = await import('../../lint/format-github.ts');
    const format = values.format === 'github' ? formatDiagnosticGithub : formatDiagnostic;
    if (values.rules) {
      const width = Math.max(...lintRules.map((r) => r.id.length));
      for (const rule of lintRules) console.log(`${rule.id.padEnd(width)}  ${rule.description}`);
      return EXIT_OK;
    }
    const root = values.root ? path.resolve(values.root) : projectRoot;
    if (!(await exists(root))) throw new UsageError(`no such project folder: ${values.root}`);
    const layout = {
      projectRoot: root,
      snippetsRoot: values.root ? path.join(root, 'snippets') : snippetsRoot,
      contentRoot: values.root ? path.join(root, 'content') : contentRoot,
      // The API snapshots describe the extension, not a project: always this repository's.
      snapshots: projectSnapshots(),
    };
    const defaults = [layout.snippetsRoot, layout.contentRoot];
    const defaultsPresent = await Promise.all(defaults.map(exists));
    const missing = (await Promise.all(positionals.map(async (p) => ((await exists(p)) ? undefined : p)))).filter(Boolean);
    if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
    // A fresh clone may not have content/ (or snippets/) yet: lint what is there.
    const paths = positionals.length > 0 ? positionals : defaults.filter((_, i) => defaultsPresent[i]);
    const started = performance.now();
    const { diagnostics, snippets, runbooks } = await lintPaths(paths, layout);
    for (const diagnostic of diagnostics) console.log(format(diagnostic));
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.length - errors;
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    console.error(`lint: ${snippets} snippet${snippets === 1 ? '' : 's'}, ${runbooks} runbook${runbooks === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} (${seconds} s)`);
    return errors > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};

function exists(entry: string): Promise<boolean> {
  return stat(entry).then(() => true, () => false);
}
