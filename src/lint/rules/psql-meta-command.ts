import { isPsqlMetaCommand } from '../psql-commands.ts';
import type { LintRule } from '../rule.ts';

/** psql-meta-command: a backslash command that no target's psql has. */
export const psqlMetaCommandRule: LintRule = {
  id: 'psql-meta-command',
  description: 'a backslash command that no target\'s psql has',
  hint: "use a command listed by 'psql --help=commands' (\\echo prints text, \\if branches)",
  severity: 'error',
  check({ sql }) {
    const commands = [...(sql?.metaCommands ?? []), ...(sql?.scan.units.flatMap((u) => (u.kind === 'sql' && u.terminator ? [u.terminator] : [])) ?? [])];
    return commands
      .filter((command) => !isPsqlMetaCommand(command.name))
      .map((command) => ({ line: command.start.line, column: command.start.column, message: `psql has no meta-command \\${command.name}` }));
  },
};
