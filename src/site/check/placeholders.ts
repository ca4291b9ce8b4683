import type { Root } from 'mdast';
import { visit as visitTree } from 'unist-util-visit';
import { isScalar, visit as visitYaml } from 'yaml';
import type { ParsedPage, Problem } from '../content/parse-page.ts';
import { PLACEHOLDER } from '../../snippets/scaffold.ts';

/**
 * The placeholders `runbooks new runbook` writes (PLACEHOLDER, "FILL IN": in frontmatter
 * values, in the comments beside the values that must stay valid YAML, and in every section)
 * are text the author has not written yet. The strict build refuses a page that still has one,
 * at its line; `npm run dev` shows the page as it is, so the author writes it with the
 * site open.
 */

function problem(page: ParsedPage, line: number, column: number, text: string): Problem {
  const what = text.slice(text.indexOf(PLACEHOLDER) + PLACEHOLDER.length).replace(/^:\s*/, '').split('\n')[0].trim();
  return {
    file: page.relativeFile,
    line,
    column,
    message: `placeholder left by 'runbooks new runbook': ${what ? `write ${JSON.stringify(what)} here` : 'write this text'} and remove "${PLACEHOLDER}"`,
  };
}

export function placeholderProblems(page: ParsedPage): Problem[] {
  const problems: Problem[] = [];
  const { frontmatter, frontmatterLineCounter: counter } = page;
  if (frontmatter && counter) {
    visitYaml(frontmatter, (_key, node) => {
      if (!isScalar(node) || !node.range) return;
      const { line, col } = counter.linePos(node.range[0]);
      // The frontmatter's YAML starts on the file's second line.
      const at = (text: string) => problems.push(problem(page, line + 1, col, text));
      for (const text of [node.commentBefore, typeof node.value === 'string' ? node.value : undefined, node.comment]) {
        if (text?.includes(PLACEHOLDER)) at(text);
      }
    });
  }
  if (page.tree) {
    visitTree(page.tree as Root, (node) => {
      const value = (node as { value?: unknown }).value;
      if (typeof value !== 'string' || !value.includes(PLACEHOLDER) || !node.position) return;
      const before = value.slice(0, value.indexOf(PLACEHOLDER)).split('\n');
      const line = node.position.start.line + before.length - 1;
      const column = before.length === 1 ? node.position.start.column + before[0].length : 1;
      problems.push(problem(page, line, column, value));
    });
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
