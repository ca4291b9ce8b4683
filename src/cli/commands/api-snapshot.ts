import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatSnapshot, liveSnapshot, SNAPSHOT_FILE } from '../../api/live.ts';
import { projectRoot } from '../../config/paths.ts';
import { acquireServer } from '../../db/acquire.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, parseOptions } from '../command.ts';

const HELP = `usage: runbooks api-snapshot [--check]

Reads what the installed pg_tviews owns (functions with their arguments and result columns,
tables and views with their columns, event triggers, and the triggers it installs on the
fixture's source tables) and writes it to ${path.relative(projectRoot, SNAPSHOT_FILE)}, the file
lint checks snippets against. Uses the database of 'runbooks db up' when one is running,
otherwise a throwaway one.

  --check   write nothing; exit 1 if the committed file differs from the live extension.`;

export const apiSnapshotCommand: Command = {
  name: 'api-snapshot',
  summary: 'record what the installed pg_tviews provides, for lint to check snippets against',
  help: HELP,
  async run(args) {
    const { values } = parseOptions(args, { check: { type: 'boolean', default: false } });
    const server = await acquireServer({});
    let text: string;
    try {
      text = formatSnapshot(await liveSnapshot(server));
    } finally {
      await server.close();
    }
    const relative = path.relative(projectRoot, SNAPSHOT_FILE);
    if (values.check) {
      const committed = await readFile(SNAPSHOT_FILE, 'utf8').catch(() => '');
      if (committed === text) {
        console.log(`${relative} matches the installed pg_tviews`);
        return EXIT_OK;
      }
      console.error(`${relative} differs from the installed pg_tviews: run 'runbooks api-snapshot' and review the diff`);
      return EXIT_FAILURE;
    }
    await writeFile(SNAPSHOT_FILE, text);
    console.log(`wrote ${relative}`);
    return EXIT_OK;
  },
};
