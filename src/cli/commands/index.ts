import type { Command } from '../command.ts';
import { apiSnapshotCommand } from './api-snapshot.ts';
import { dbCommand } from './db.ts';
import { exportCommand } from './export.ts';
import { setupCommand } from './setup.ts';
import { verifyCommand } from './verify.ts';
import { lintCommand } from './lint.ts';
import { newCommand } from './new.ts';
import { reportCommand } from './report.ts';
import { targetsCommand } from './targets.ts';

/** Every `runbooks` command, in the order `runbooks --help` lists them. */
export const commands: Command[] = [
  setupCommand,
  targetsCommand,
  dbCommand,
  apiSnapshotCommand,
  lintCommand,
  verifyCommand,
  reportCommand,
  newCommand,
  exportCommand,
];
