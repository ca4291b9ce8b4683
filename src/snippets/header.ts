import { z } from 'zod';
import { LineCounter, parseDocument } from 'yaml';
import { targetClaimSchema } from '../config/claims.ts';

/**
 * The metadata header every snippet starts with: YAML inside a comment block fenced by
 * `---` lines (`-- ---` in SQL, `# ---` in bash, after an optional shebang). Keeping it in
 * comments is what lets a snippet run unchanged with `psql -f` or `bash`.
 */

export const SAFETY_CLASSES = ['read-only', 'writes', 'destructive'] as const;
export type SafetyClass = (typeof SAFETY_CLASSES)[number];

const PARAMETER_NAME = /^[a-z][a-z0-9_]*$/;
const DURATION = /^(\d+)(ms|s|min)$/;

export const parameterSchema = z
  .object({
    kind: z.enum(['literal', 'identifier']),
    description: z.string().min(3),
    /** The value verification runs the snippet with; it must exist in the fixture. */
    value: z.string().min(1),
  })
  .strict();

export const expectationSchema = z
  .object({
    /** Column names of the last result set, in order. */
    columns: z.array(z.string().min(1)).min(1).optional(),
    /** Row count bounds of the last result set. */
    rows: z
      .object({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() })
      .strict()
      .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'rows.min must not exceed rows.max')
      .optional(),
    /** Regular expressions the captured output (stdout and notices) must match. */
    output: z.array(z.string().min(1)).optional(),
    /** A regular expression the error must match; the snippet is then expected to fail. */
    error: z.string().min(1).optional(),
    /** bash only: the exit status verification expects (default 0). */
    exitCode: z.number().int().min(0).max(255).optional(),
  })
  .strict();

export const headerSchema = z
  .object({
    title: z.string().min(3).max(90),
    description: z.string().min(10),
    safety: z.enum(SAFETY_CLASSES),
    /** Exact privileges or roles needed, e.g. `pg_read_all_stats`, `owner of tv_<entity>`. */
    privileges: z.array(z.string().min(3)).min(1),
    params: z
      .record(z.string().regex(PARAMETER_NAME, 'parameter names are lower_snake_case'), parameterSchema)
      .default({}),
    expect: expectationSchema.default({}),
    timeout: z.string().regex(DURATION, 'a duration such as 500ms, 10s or 2min').default('10s'),
    /** destructive only: what it changes, in one sentence the reader sees before copying. */
    changes: z.string().min(10).optional(),
    /** destructive only: how to undo it, or why it cannot be undone. */
    undo: z.string().min(10).optional(),
    /** bash only: arguments that make a long-running script finish (e.g. `--once`). */
    verifyArgs: z.array(z.string()).optional(),
    /** Only for a snippet that does not apply to every target: which ones it does, and why. */
    targets: targetClaimSchema.optional(),
  })
  .strict()
  .superRefine((header, context) => {
    if (header.safety === 'destructive') {
      for (const key of ['changes', 'undo'] as const) {
        if (!header[key]) {
          context.addIssue({ code: 'custom', path: [key], message: `a destructive snippet must say ${key === 'changes' ? 'what it changes' : 'how to undo it'}` });
        }
      }
    }
  });

export type SnippetHeader = z.infer<typeof headerSchema>;
export type ParameterSpec = z.infer<typeof parameterSchema>;
export type Expectations = z.infer<typeof expectationSchema>;

export interface HeaderProblem {
  message: string;
  line: number;
  column: number;
}

export interface ExtractedHeader {
  header?: SnippetHeader;
  problems: HeaderProblem[];
  /** 1-based line of the closing fence; the body starts after it. */
  lastLine: number;
}

/** The parameter values a snippet is verified with, as declared in its header. */
export function verificationValues(header: SnippetHeader): Record<string, string> {
  return Object.fromEntries(Object.entries(header.params).map(([name, spec]) => [name, spec.value]));
}

export function durationMs(duration: string): number {
  const match = DURATION.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  const amount = Number(match[1]);
  return match[2] === 'ms' ? amount : match[2] === 's' ? amount * 1000 : amount * 60_000;
}

/** Reads the fenced header of a snippet written in the given comment style. */
export function extractHeader(text: string, commentPrefix: '--' | '#'): ExtractedHeader {
  const lines = text.split('\n');
  let index = 0;
  if (commentPrefix === '#' && lines[0]?.startsWith('#!')) index = 1;
  const fence = `${commentPrefix} ---`;
  if (lines[index]?.trimEnd() !== fence) {
    return {
      problems: [{ message: `the file must start with a metadata header: a line '${fence}', YAML lines starting '${commentPrefix} ', and a closing '${fence}' (run 'runbooks new snippet' for a template)`, line: index + 1, column: 1 }],
      lastLine: 0,
    };
  }
  const firstYamlLine = index + 2;
  const yamlLines: string[] = [];
  let close = -1;
  for (let i = index + 1; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    if (line === fence) {
      close = i;
      break;
    }
    if (line !== commentPrefix && !line.startsWith(`${commentPrefix} `)) {
      return { problems: [{ message: `header lines must start with '${commentPrefix} ' until the closing '${fence}'`, line: i + 1, column: 1 }], lastLine: 0 };
    }
    yamlLines.push(line.slice(commentPrefix.length + 1));
  }
  if (close < 0) {
    return { problems: [{ message: `the header opened here is never closed with '${fence}'`, line: index + 1, column: 1 }], lastLine: 0 };
  }

  const counter = new LineCounter();
  const document = parseDocument(yamlLines.join('\n'), { lineCounter: counter, prettyErrors: false });
  const locate = (offset: number | undefined): { line: number; column: number } => {
    if (offset === undefined) return { line: firstYamlLine, column: 1 };
    const { line, col } = counter.linePos(offset);
    return { line: firstYamlLine + line - 1, column: col + commentPrefix.length + 1 };
  };
  if (document.errors.length > 0) {
    return {
      problems: document.errors.map((error) => ({ message: `header YAML: ${error.message.split('\n')[0]}`, ...locate(error.pos[0]) })),
      lastLine: close + 1,
    };
  }
  const parsed = headerSchema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => {
        const node = issue.path.length > 0 ? document.getIn(issue.path, true) : undefined;
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        const where = issue.path.length > 0 ? `'${issue.path.join('.')}'` : 'header';
        return { message: `header ${where}: ${issue.message}`, ...locate(range?.[0]) };
      }),
      lastLine: close + 1,
    };
  }
  return { header: parsed.data, problems: [], lastLine: close + 1 };
}
