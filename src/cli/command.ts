import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors/index.ts';

/**
 * The contract every `runbooks` command implements. Exit codes: 0 ok, 1 the work found a
 * failure, 2 the command was misused or the environment cannot do the work.
 */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text. */
  help: string;
  run(args: string[]): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Strict option parsing that turns node's errors into a UsageError. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function wantsHelp(args: string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}
