import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SAFETY_CLASSES, type SafetyClass } from './header.ts';
import { findSnippetFiles, snippetName, type SnippetLanguage } from './snippet.ts';
import { snippetNameProblem } from '../lint/snippet-names.ts';

/**
 * `runbooks new snippet`: a new snippet file with a header that passes the schema and a body
 * that passes lint, so the author starts from green and only replaces the example.
 */

export interface ScaffoldOptions {
  name: string;
  language: SnippetLanguage;
  safety: SafetyClass;
  title?: string;
  snippetsRoot: string;
}

export class ScaffoldError extends Error {}

function titleFromName(name: string): string {
  const words = name.split('/')[1].replaceAll('-', ' ');
  return words.length >= 3 ? words[0].toUpperCase() + words.slice(1) : `Snippet ${words}`;
}

export function snippetTemplate(options: Omit<ScaffoldOptions, 'snippetsRoot'>): string {
  const prefix = options.language === 'sql' ? '--' : '#';
  const yaml = [
    '---',
    `title: ${JSON.stringify(options.title ?? titleFromName(options.name))}`,
    'description: What this snippet shows or does, and when a runbook reader runs it.',
    `safety: ${options.safety}`,
    'privileges: [pg_read_all_stats]',
    ...(options.safety === 'destructive'
      ? ['changes: Say in one sentence what this changes, before anyone copies it.', 'undo: Say how to undo it, or why it cannot be undone.']
      : []),
    '# params:',
    '#   entity: {kind: literal, description: the TVIEW entity, value: post}',
    '# expect:',
    '#   columns: [pg_tviews_version]',
    'timeout: 10s',
    ...(options.language === 'bash' ? ['# verifyArgs: ["--once"]   # for a script that otherwise runs forever'] : []),
    '---',
  ].map((line) => `${prefix} ${line}`);
  if (options.language === 'sql') {
    return [
      ...yaml,
      "-- Replace the example with the snippet's SQL. Parameters are psql variables:",
      "-- :'name' for a value, :\"name\" for an identifier (declare them under params).",
      'SELECT tviews.pg_tviews_version() AS pg_tviews_version;',
      '',
    ].join('\n');
  }
  return [
    '#!/usr/bin/env bash',
    ...yaml,
    '# Replace the example with the snippet. Connection settings come from PG* variables.',
    'set -euo pipefail',
    "psql -X -v ON_ERROR_STOP=1 -c 'SELECT tviews.pg_tviews_version()'",
    '',
  ].join('\n');
}

/** Writes the new snippet and returns its path; refuses bad names and existing snippets. */
export async function createSnippetFile(options: ScaffoldOptions): Promise<string> {
  const problem = snippetNameProblem(options.name);
  if (problem) throw new ScaffoldError(`${problem} (example: health/tview-status)`);
  if (!SAFETY_CLASSES.includes(options.safety)) throw new ScaffoldError(`safety must be one of ${SAFETY_CLASSES.join(', ')}`);
  const existing = (await findSnippetFiles([options.snippetsRoot]).catch(() => [])).filter(
    (file) => snippetName(file, options.snippetsRoot).toLowerCase() === options.name.toLowerCase(),
  );
  if (existing.length > 0) throw new ScaffoldError(`snippet ${options.name} already exists: ${existing.join(', ')} (snippet names must be unique; nothing was written)`);
  const file = path.join(options.snippetsRoot, ...options.name.split('/')) + (options.language === 'sql' ? '.sql' : '.sh');
  await mkdir(path.dirname(file), { recursive: true });
  // 'wx' fails if the file appeared meanwhile: never overwrite.
  await writeFile(file, snippetTemplate(options), { flag: 'wx', mode: options.language === 'bash' ? 0o755 : 0o644 });
  return file;
}
