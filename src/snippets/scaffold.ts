import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SAFETY_CLASSES, type SafetyClass } from './header.ts';
import { findSnippetFiles, snippetName, type SnippetLanguage } from './snippet.ts';
import { snippetNameProblem } from '../lint/snippet-names.ts';

/**
 * `runbooks new snippet`: a new snippet file with a header that passes the schema and a body
 * that passes lint, so the author starts from green and only replaces the example.
 *
 * `runbooks new runbook`: a new runbook page with the frontmatter and every required section
 * in order. It passes the page rules as it is, so `npm run dev` shows it at once, but each
 * text to write carries PLACEHOLDER, which the strict build (src/site/check/placeholders.ts)
 * refuses, line by line, until every one is replaced.
 */

/** What marks a text the author still has to write; the strict build refuses a page with one. */
export const PLACEHOLDER = 'FILL IN';

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

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const CATEGORY = /^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface RunbookScaffoldOptions {
  /** `<category>/<name>`: `03-maintenance/reindex-bloated-tview`. */
  name: string;
  title?: string;
  contentRoot: string;
}

/** Why a runbook name is not `<NN-category>/<name>`, or undefined. */
export function runbookNameProblem(name: string): string | undefined {
  const parts = name.split('/');
  if (parts.length !== 2) return `'${name}' is not <category>/<name>: a runbook lives directly in a category folder (e.g. 03-maintenance/reindex-bloated-tview)`;
  if (!CATEGORY.test(parts[0])) return `'${parts[0]}' is not a category folder: two digits, a hyphen, lower-case words joined by hyphens (e.g. 03-maintenance)`;
  if (!KEBAB.test(parts[1])) return `'${parts[1]}' in '${name}' is not lower-case words joined by hyphens`;
  return undefined;
}

export function runbookTemplate(options: { title?: string }): string {
  const title = options.title ? JSON.stringify(options.title) : `"${PLACEHOLDER}: what the reader is dealing with, in their words"`;
  return `---
title: ${title}
description: "${PLACEHOLDER}: one sentence, what following this runbook achieves."
runbook:
  severity: medium # ${PLACEHOLDER}: routine, low, medium, high or critical
  whenToUse: "${PLACEHOLDER}: one sentence, the situation this runbook is for."
  frequency: "${PLACEHOLDER}: how often it is run, e.g. During an incident"
  timeRequired: 10 min # ${PLACEHOLDER}: a number or a range and a unit: 30 s, 5 min, 10-30 min, 1 h
  prerequisites:
    - "${PLACEHOLDER}: access, roles and tools needed before starting"
  # The scenarios that prove it (scenarios/<category>/<name>.scenario.ts), once they pass.
  scenarios: []
  symptoms:
    - text: "${PLACEHOLDER}: what the engineer sees"
---

## Purpose

${PLACEHOLDER}: what the runbook achieves and why it matters, in two or three sentences.

## When to use

${PLACEHOLDER}: the signals that send someone here, and when **not** to use it.

## Prerequisites

${PLACEHOLDER}: access, roles, tools, and anything to check before touching production.

## Procedure

${PLACEHOLDER}: numbered steps, each with its snippet on a line of its own
(\`::snippet{name="area/name"}\`; \`runbooks new snippet area/name\` creates one) and what its
output means. Use \`###\` headings for the steps a symptom points to.

## Verify

${PLACEHOLDER}: how to prove it worked, usually a read-only snippet and the result to expect.

## Rollback / Restore

${PLACEHOLDER}: how to undo each step that changes something, or say that every step only reads.

## Escalation / Next steps

${PLACEHOLDER}: who to call, and which runbook comes next if this one did not help.
`;
}

/** Writes the new runbook page and returns its path; refuses bad names and existing pages. */
export async function createRunbookFile(options: RunbookScaffoldOptions): Promise<string> {
  const problem = runbookNameProblem(options.name);
  if (problem) throw new ScaffoldError(problem);
  const [category, page] = options.name.split('/');
  const folder = path.join(options.contentRoot, category);
  const existing = (await readdir(folder).catch(() => [] as string[])).filter((file) => file.replace(/\.mdx?$/, '') === page);
  if (existing.length > 0) throw new ScaffoldError(`runbook ${options.name} already exists: ${existing.map((f) => path.join(folder, f)).join(', ')} (nothing was written)`);
  await mkdir(folder, { recursive: true });
  const file = path.join(folder, `${page}.mdx`);
  await writeFile(file, runbookTemplate({ title: options.title }), { flag: 'wx' });
  return file;
}
