import type { Root } from 'mdast';
import remarkDirective from 'remark-directive';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { checkRequiredSections, findSnippetDirectives, headingAnchors } from '../../src/site/content/page-rules.ts';
import { runbookBody } from './helpers.ts';

const parse = (markdown: string) => unified().use(remarkParse).use(remarkDirective).parse(markdown) as Root;
const sections = (markdown: string) => checkRequiredSections(parse(markdown), markdown.split('\n').length);

describe('required sections', () => {
  it('accepts the seven sections in order, with other sections between them', () => {
    expect(sections(runbookBody('### Step one\n\nrun it'))).toEqual([]);
    expect(sections(runbookBody('x').replace('## Verify', '## Interpreting the output\n\ntext\n\n## Verify'))).toEqual([]);
  });

  it('names each missing section and where it belongs', () => {
    const markdown = runbookBody('x').replace('## Verify\n\nv\n\n', '');
    const problems = sections(markdown);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toBe('a runbook needs a "## Verify" section before "## Rollback / Restore"');
    expect(problems[0].line).toBe(markdown.split('\n').indexOf('## Rollback / Restore') + 1);
  });

  it('points at the end of the page when the last section is missing', () => {
    const markdown = runbookBody('x').replace('## Escalation / Next steps\n\ne\n', '');
    expect(sections(markdown)).toEqual([{ line: markdown.split('\n').length, column: 1, message: 'a runbook needs a "## Escalation / Next steps" section' }]);
  });

  it('rejects a section out of order, naming both', () => {
    const markdown = runbookBody('x').replace('## Purpose\n\np\n\n## When to use\n\nw', '## When to use\n\nw\n\n## Purpose\n\np');
    const problems = sections(markdown);
    expect(problems.map((problem) => problem.message)).toEqual([expect.stringContaining('section "## Purpose" must come before "## When to use"')]);
    expect(problems[0].line).toBe(markdown.split('\n').indexOf('## Purpose') + 1);
  });

  it('rejects a repeated section and a near-miss spelling', () => {
    const repeated = runbookBody('x') + '\n## Verify\n\nagain\n';
    expect(sections(repeated).map((problem) => problem.message)).toEqual([expect.stringMatching(/section "## Verify" appears twice \(first on line \d+\)/)]);
    const misspelt = runbookBody('x').replace('## Rollback / Restore', '## Rollback/restore');
    expect(sections(misspelt).map((problem) => problem.message)).toEqual([
      'section "Rollback/restore" must be written exactly "## Rollback / Restore"',
      'a runbook needs a "## Rollback / Restore" section before "## Escalation / Next steps"',
    ]);
  });

  it('only counts level-2 headings', () => {
    const markdown = runbookBody('x').replace('## Verify', '### Verify');
    expect(sections(markdown).map((problem) => problem.message)).toEqual(['a runbook needs a "## Verify" section before "## Rollback / Restore"']);
  });
});

describe('snippet directives', () => {
  it('finds names and positions', () => {
    const { directives, problems } = findSnippetDirectives(parse('text\n\n::snippet{name="a/b"}\n\n- item\n\n  ::snippet{name="c/d"}\n'));
    expect(problems).toEqual([]);
    expect(directives.map(({ name, line, column }) => ({ name, line, column }))).toEqual([
      { name: 'a/b', line: 3, column: 1 },
      { name: 'c/d', line: 7, column: 3 },
    ]);
  });

  it('reports directives written wrongly, and ignores other directives', () => {
    const { directives, problems } = findSnippetDirectives(parse('::snippet{name="a/b" lang="sql"}\n\n::snippet[Title]{name="a/c"}\n\n:::snippet{name="a/d"}\n:::\n\n::note{x=1}\n'));
    expect(directives.map((directive) => directive.name)).toEqual(['a/b', 'a/c']);
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual([
      [1, '::snippet takes only a name; remove "lang"'],
      [3, '::snippet takes no [label]: the title comes from the snippet header'],
      [5, 'write the snippet directive on a line of its own, with two colons: ::snippet{name="area/name"}'],
    ]);
  });
});

describe('heading anchors', () => {
  it('slugs headings the way the site renders their ids', () => {
    expect([...headingAnchors(parse('## Procedure\n\n### 2. Find the stuck transaction\n\n## Rollback / Restore\n\n## Procedure\n'))]).toEqual([
      'procedure',
      '2-find-the-stuck-transaction',
      'rollback--restore',
      'procedure-1',
    ]);
  });
});
