import type { Command } from '../command.ts';
import { dbCommand } from './db.ts';
import { lintCommand } from './lint.ts';

/** Every `runbooks` command, in the order `runbooks --help` lists them. */
export const commands: Command[] = [
  dbCommand,
  lintCommand,
];
