import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProjectPaths } from '../project.ts';
import type { ReportState } from '../report/read-report.ts';
import { resolveScenario } from '../report/snippet-status.ts';
import { checklistItems, linkedPages } from './checklist.ts';
import { parsePage } from './parse-page.ts';
import { runbookFrontmatterSchema } from './runbook-frontmatter.ts';

/**
 * What proves a checklist: not scenarios of its own (it runs nothing) but those of the
 * runbooks its items link to. For the checklist page's header and its export.
 */

export interface LinkedRunbook {
  contentPath: string;
  title: string;
  scenarios: number;
  passed: number;
}

export function linkedRunbooks(paths: ProjectPaths, contentPath: string, reportState: ReportState): LinkedRunbook[] {
  const file = pageFile(paths, contentPath);
  if (!file) return [];
  const page = parsePage(readFileSync(file, 'utf8'), file, paths);
  if (!page.tree) return [];
  const runbooks: LinkedRunbook[] = [];
  for (const linked of linkedPages(checklistItems(page.tree))) {
    if (linked === contentPath) continue;
    const linkedFile = pageFile(paths, linked);
    if (!linkedFile) continue;
    const target = parsePage(readFileSync(linkedFile, 'utf8'), linkedFile, paths);
    const runbook = runbookFrontmatterSchema.safeParse(target.data?.runbook);
    if (!runbook.success) continue;
    const scenarios = runbook.data.scenarios.map((name) => resolveScenario(name, paths, reportState));
    runbooks.push({ contentPath: linked, title: String(target.data?.title ?? linked), scenarios: scenarios.length, passed: scenarios.filter((scenario) => scenario.status === 'passed').length });
  }
  return runbooks;
}

function pageFile(paths: ProjectPaths, contentPath: string): string | undefined {
  return ['.mdx', '.md'].map((extension) => path.join(paths.contentDir, `${contentPath}${extension}`)).find((file) => existsSync(file));
}

/** "7 scenarios passed", "2 of 3 scenarios passed", "no scenario yet". */
export function scenarioCount(runbook: LinkedRunbook): string {
  if (runbook.scenarios === 0) return 'no scenario yet';
  const noun = runbook.scenarios === 1 ? 'scenario' : 'scenarios';
  return runbook.passed === runbook.scenarios ? `${runbook.scenarios} ${noun} passed` : `${runbook.passed} of ${runbook.scenarios} ${noun} passed`;
}
