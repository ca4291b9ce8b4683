import type { Expectations } from '../snippets/header.ts';
import type { Check, ResultSet } from '../report/schema.ts';

/** What a run produced, in the form expectations are checked against. */
export interface Observed {
  results: ResultSet[];
  /** Everything a reader would see: rendered results and notices, or a script's stdout and stderr. */
  text: string;
  error?: string;
  exitCode?: number | null;
}

function compile(pattern: string): RegExp {
  return new RegExp(pattern, 'm');
}

/** One check per expectation the header declares, plus "no unexpected error". */
export function checkExpectations(expect: Expectations, observed: Observed, language: 'sql' | 'bash'): Check[] {
  const checks: Check[] = [];
  if (expect.error) {
    const matched = observed.error !== undefined && compile(expect.error).test(observed.error);
    checks.push({
      name: 'expect-error',
      status: matched ? 'passed' : 'failed',
      message: matched ? undefined : observed.error ? `error '${observed.error}' does not match /${expect.error}/` : `expected an error matching /${expect.error}/, but it succeeded`,
    });
  } else if (language === 'sql') {
    checks.push({ name: 'no-error', status: observed.error ? 'failed' : 'passed', message: observed.error });
  }
  if (language === 'bash') {
    const wanted = expect.exitCode ?? 0;
    checks.push({
      name: 'expect-exit-code',
      status: observed.exitCode === wanted ? 'passed' : 'failed',
      message: observed.exitCode === wanted ? undefined : `exit status ${observed.exitCode ?? 'none (killed)'}, expected ${wanted}${observed.error ? `: ${observed.error}` : ''}`,
    });
  }
  const last = observed.results.at(-1);
  if (expect.columns) {
    const actual = last?.columns ?? [];
    const same = actual.length === expect.columns.length && actual.every((c, i) => c === expect.columns![i]);
    checks.push({ name: 'expect-columns', status: same ? 'passed' : 'failed', message: same ? undefined : `columns [${actual.join(', ')}], expected [${expect.columns.join(', ')}]` });
  }
  if (expect.rows) {
    const count = last?.rowCount;
    const { min, max } = expect.rows;
    const ok = count !== undefined && (min === undefined || count >= min) && (max === undefined || count <= max);
    const bounds = `${min ?? 0}..${max ?? '∞'}`;
    checks.push({ name: 'expect-rows', status: ok ? 'passed' : 'failed', message: ok ? undefined : count === undefined ? `no result set, expected ${bounds} rows` : `${count} rows, expected ${bounds}` });
  }
  for (const pattern of expect.output ?? []) {
    const ok = compile(pattern).test(observed.text);
    checks.push({ name: 'expect-output', status: ok ? 'passed' : 'failed', message: ok ? `matches /${pattern}/` : `output does not match /${pattern}/` });
  }
  return checks;
}
