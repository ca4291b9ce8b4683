import { type Command, EXIT_FAILURE, EXIT_USAGE, wantsHelp } from './command.ts';
import { EnvironmentError, UsageError } from '../errors/index.ts';
import { commands } from './commands/index.ts';

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'runbooks: verified operations runbooks for pg_tviews',
    '',
    'usage: runbooks <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'runbooks <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 failure, 2 usage or environment error.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`runbooks: unknown command '${name}'\n\n${overview()}`);
    return EXIT_USAGE;
  }
  if (wantsHelp(rest) && rest[0]?.startsWith('-')) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`runbooks ${command.name}: ${error.message}\n\n${command.help}`);
      return EXIT_USAGE;
    }
    if (error instanceof EnvironmentError) {
      console.error(`runbooks ${command.name}: ${error.describe()}`);
      return EXIT_USAGE;
    }
    console.error(`runbooks ${command.name}: ${(error as Error).stack ?? error}`);
    return EXIT_FAILURE;
  }
}
