import { pinnedVersions } from '../../config/versions.ts';
import { ensurePackages } from '../../db/local/debian.ts';
import { installExtension } from '../../db/local/extension.ts';
import { type Command, EXIT_OK, parseOptions } from '../command.ts';

const HELP = `usage: runbooks setup [--no-browser]

Makes this machine able to verify and test: installs the missing Debian packages (the
PostgreSQL server and headers, the Rust build prerequisites, shellcheck, Chromium for the
browser tests) when run as root — otherwise prints the apt-get command to run — then builds
pg_tviews from crates.io (once per machine, cached under ~/.cache/pgtv-runbooks) and installs
it into the server. Running it again does nothing when everything is in place.

  --no-browser   skip Chromium (only the browser tests need it)`;

export const setupCommand: Command = {
  name: 'setup',
  summary: 'install what verification needs: Debian packages and pg_tviews built from its crate',
  help: HELP,
  async run(args) {
    const { values } = parseOptions(args, { 'no-browser': { type: 'boolean', default: false } });
    const started = Date.now();
    const log = (line: string) => console.error(line);
    await ensurePackages(pinnedVersions().postgresMajor, log, { browser: !values['no-browser'] });
    await installExtension();
    console.error(`setup complete in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return EXIT_OK;
  },
};
