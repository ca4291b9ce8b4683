import { z } from 'zod';
import { frontmatterPosition, type ParsedPage, type Problem } from '../content/parse-page.ts';
import { checkChecklist, isChecklistFrontmatter } from '../content/checklist.ts';
import { checkLinks, type SiteAnchors } from '../content/links.ts';
import { checkRequiredSections, findSnippetDirectives, headingAnchors } from '../content/page-rules.ts';
import { runbookFrontmatterSchema } from '../content/runbook-frontmatter.ts';
import type { ProjectPaths } from '../project.ts';
import type { ReportState } from '../report/read-report.ts';
import { resolveScenario, resolveSnippet } from '../report/snippet-status.ts';
import { placeholderProblems } from './placeholders.ts';

/**
 * Everything the strict build refuses about one content page, each problem with its file and
 * line: placeholders `runbooks new runbook` left, frontmatter, required sections, symptom
 * anchors, every embedded snippet and listed scenario that is not verified by
 * reports/verify.json, the rules of a checklist page, and (given the anchors of every page)
 * links to pages or headings that do not exist.
 */

const checklistFlag = z.boolean('true or false').optional();
const basePageSchema = z.object({ title: z.string().min(1), description: z.string().min(1).optional(), checklist: checklistFlag }).loose();
const runbookPageSchema = z.object({ title: z.string().min(3), description: z.string().min(10), checklist: checklistFlag, runbook: runbookFrontmatterSchema }).loose();

export interface PageReferences {
  snippets: string[];
  scenarios: string[];
}

/**
 * `site`: the anchors of every page (content path → heading anchors); when given, links to
 * other pages and to headings are checked too (checkSite gives it, for the whole site).
 */
export function checkPage(page: ParsedPage, paths: ProjectPaths, reportState: ReportState, site?: SiteAnchors): { problems: Problem[]; references: PageReferences } {
  const problems: Problem[] = [...page.problems, ...placeholderProblems(page)];
  const references: PageReferences = { snippets: [], scenarios: [] };
  const add = (line: number, column: number, message: string) => problems.push({ file: page.relativeFile, line, column, message });
  const isRunbook = page.category !== undefined && !/(^|\/)index$/.test(page.contentPath);

  // Lower-case kebab names keep a page's URL equal to its path, which links and the sidebar rely on.
  if (!/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/.test(page.contentPath)) {
    add(1, 1, `name content files and folders in lower case with hyphens (e.g. 01-health-monitoring/tview-health-check.mdx), not "${page.contentPath}"`);
  }
  if (page.contentPath === 'index') {
    add(1, 1, 'the home page is generated from the runbooks (symptom index and categories); remove content/index and put other pages under their own name');
  }

  if (page.data) {
    const parsed = (isRunbook ? runbookPageSchema : basePageSchema).safeParse(page.data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        // An unknown key is pointed at itself rather than at the mapping that holds it.
        const keyPath = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
        const { line, column } = frontmatterPosition(page, keyPath as (string | number)[]);
        const key = issue.path.join('.');
        add(line, column, `frontmatter ${key ? `'${key}'` : ''}: ${issue.message}`.replace('  ', ' '));
      }
    }
  } else if (page.problems.length === 0) {
    add(1, 1, isRunbook ? 'a runbook page starts with frontmatter: title, description and a runbook: block (see docs/authoring-runbooks.md)' : 'a page starts with frontmatter that has at least a title');
  }

  if (!page.tree) return { problems, references };
  const endLine = page.tree.position?.end.line ?? 1;

  if (isRunbook) {
    for (const problem of checkRequiredSections(page.tree, endLine)) add(problem.line, problem.column, problem.message);
    const runbook = runbookFrontmatterSchema.safeParse(page.data?.runbook);
    if (runbook.success) {
      const anchors = headingAnchors(page.tree);
      runbook.data.symptoms.forEach((symptom, index) => {
        if (symptom.step && !anchors.has(symptom.step)) {
          const { line, column } = frontmatterPosition(page, ['runbook', 'symptoms', index, 'step']);
          add(line, column, `symptom step "${symptom.step}" is not a heading on this page (anchors: ${[...anchors].join(', ')})`);
        }
      });
      runbook.data.scenarios.forEach((name, index) => {
        references.scenarios.push(name);
        const scenario = resolveScenario(name, paths, reportState);
        if (scenario.status !== 'passed') {
          const { line, column } = frontmatterPosition(page, ['runbook', 'scenarios', index]);
          add(line, column, `scenario "${name}" is not proven: ${scenario.reason}`);
        } else if (scenario.entry && scenario.entry.runbook !== page.contentPath) {
          const { line, column } = frontmatterPosition(page, ['runbook', 'scenarios', index]);
          add(line, column, `scenario "${name}" proves ${scenario.entry.runbook}, not this runbook (${page.contentPath})`);
        }
      });
    }
  }

  if (isChecklistFrontmatter(page.data)) {
    for (const problem of checkChecklist(page.tree)) add(problem.line, problem.column, problem.message);
  }
  if (site) {
    for (const problem of checkLinks(page.tree, page.contentPath, site)) add(problem.line, problem.column, problem.message);
  }

  const { directives, problems: directiveProblems } = findSnippetDirectives(page.tree);
  for (const problem of directiveProblems) add(problem.line, problem.column, problem.message);
  for (const directive of directives) {
    references.snippets.push(directive.name);
    const resolved = resolveSnippet(directive.name, paths, reportState);
    if (resolved.status !== 'verified') add(directive.line, directive.column, `snippet "${directive.name}" is ${resolved.status}: ${resolved.reason}`);
  }
  return { problems, references };
}
