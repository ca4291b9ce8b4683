import type { Command } from '../command.ts';

/** Every `runbooks` command, in the order `runbooks --help` lists them. */
export const commands: Command[] = [];
