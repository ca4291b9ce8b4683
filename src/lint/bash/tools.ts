import { execFile } from 'node:child_process';
import { EnvironmentError } from '../../errors/index.ts';

/**
 * bash -n and shellcheck, each started once for all bash snippets: a process per file costs
 * 50-100 ms of start-up, which would break lint's budget of 100 snippets in two seconds.
 */

export interface ToolFinding {
  file: string;
  line: number;
  column: number;
  message: string;
  level: 'error' | 'warning' | 'info' | 'style';
  code?: number;
}

interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

function run(command: string, args: string[], installHint: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') reject(new EnvironmentError(`${command} is not installed: ${installHint}`));
      else if (error && typeof (error as { code?: unknown }).code !== 'number') reject(error);
      else resolve({ stdout, stderr, code: typeof code === 'number' ? code : 0 });
    });
  });
}

/**
 * One bash reads every file with -n (parse only). Its messages name the file given, e.g.
 * `/x/y.sh: line 4: syntax error near unexpected token 'fi'`.
 */
export async function bashSyntaxCheck(files: string[]): Promise<ToolFinding[]> {
  if (files.length === 0) return [];
  const loop = 'for f in "$@"; do bash -n "$f"; done; exit 0';
  const { stderr } = await run('bash', ['-c', loop, 'bash-syntax', ...files], 'apt-get install bash');
  const findings: ToolFinding[] = [];
  for (const line of stderr.split('\n')) {
    const match = /^(.*?): line (\d+): (.*)$/.exec(line);
    if (match && files.includes(match[1])) {
      findings.push({ file: match[1], line: Number(match[2]), column: 1, message: match[3], level: 'error' });
    }
  }
  return findings;
}

interface ShellcheckComment {
  file: string;
  line: number;
  column: number;
  level: ToolFinding['level'];
  code: number;
  message: string;
}

/** shellcheck over all files at once, in two halves on two cores. */
export async function shellcheck(files: string[]): Promise<ToolFinding[]> {
  if (files.length === 0) return [];
  const half = Math.ceil(files.length / 2);
  const batches = files.length > 8 ? [files.slice(0, half), files.slice(half)] : [files];
  const results = await Promise.all(
    batches.map((batch) => run('shellcheck', ['--format=json1', '--shell=bash', '--external-sources', ...batch], 'apt-get install shellcheck')),
  );
  return results.flatMap(({ stdout, stderr, code }) => {
    if (code !== 0 && code !== 1) throw new Error(`shellcheck failed (exit ${code}): ${stderr.trim()}`);
    const { comments } = JSON.parse(stdout) as { comments: ShellcheckComment[] };
    return comments.map((c) => ({ file: c.file, line: c.line, column: c.column, message: `SC${c.code}: ${c.message}`, level: c.level, code: c.code }));
  });
}
