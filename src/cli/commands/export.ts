import path from 'node:path';
import { projectRoot } from '../../config/paths.ts';
import { ExportFolderError, exportRunbooks } from '../../export/export-runbooks.ts';
import { formatProblems } from '../../site/check/check-site.ts';
import { projectPaths } from '../../site/project.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, parseOptions } from '../command.ts';
import { UsageError } from '../../errors/index.ts';

const DEFAULT_OUT = path.join('docs', 'operations', 'runbooks');

const help = `usage: runbooks export [--out dir] [--strict]

Writes the runbooks as plain Markdown, for reading in a repository or a terminal when the site
cannot be reached:
  <out>/README.md                       symptom index, runbooks by category, scripts
  <out>/01-health-monitoring/<name>.md  each runbook with its snippets inlined
  <out>/scripts/<area>-<name>.sql|sh    every embedded snippet, unchanged and runnable
Each snippet is marked with its verification status from reports/verify.json; one that is not
verified is marked NOT VERIFIED where it appears.

--out dir   where to write (default: ${DEFAULT_OUT}). The folder is replaced whole on the next
            export; a non-empty folder that export did not write is refused.
--strict    fail (exit 1) when a snippet is not verified, as the site build does
--root dir  the project to export (default: this repository)

Exit codes: 0 written, 1 a snippet has no file, a page does not parse, or (--strict) a snippet
is not verified, 2 usage error.`;

export const exportCommand: Command = {
  name: 'export',
  summary: 'write the runbooks as plain Markdown with their scripts',
  help,
  async run(args) {
    const { values } = parseOptions(args, { out: { type: 'string' }, strict: { type: 'boolean' }, root: { type: 'string' } });
    const paths = projectPaths(values.root ?? projectRoot);
    const out = path.resolve(values.out ?? path.join(paths.root, DEFAULT_OUT));
    let result;
    try {
      result = exportRunbooks(paths, out);
    } catch (error) {
      if (error instanceof ExportFolderError) throw new UsageError(error.message);
      throw error;
    }
    if (result.warnings.length > 0) console.error(formatProblems(result.warnings));
    if (result.errors.length > 0) {
      console.error(`${formatProblems(result.errors)}\nexport: nothing written (${result.errors.length} problem${result.errors.length === 1 ? '' : 's'})`);
      return EXIT_FAILURE;
    }
    for (const snippet of result.unverified) console.error(`export: snippet "${snippet.name}" is ${snippet.status}: ${snippet.reason}`);
    console.log(`export: wrote ${result.files.length} files to ${out}${result.unverified.length > 0 ? ` (${result.unverified.length} snippet${result.unverified.length === 1 ? '' : 's'} marked NOT VERIFIED)` : ''}`);
    return values.strict && result.unverified.length > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
