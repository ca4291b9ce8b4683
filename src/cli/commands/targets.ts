import { describeTarget, loadTargets } from '../../config/targets.ts';
import { compareVersions, newestRelease, publishedVersions } from '../../releases/crates.ts';
import { EnvironmentError, UsageError } from '../../errors/index.ts';
import { type Command, EXIT_OK, parseOptions } from '../command.ts';

const HELP = `usage: runbooks targets [--newer | --newest]

Lists the verification targets of targets.env, the primary one first: each is one
PostgreSQL (from a pinned registry package) plus one pg_tviews release.

  --newer   also ask crates.io (cargo info) for the newest pg_tviews and say how many
            releases each pinned one is behind, and which; README.md, "Bumping pg_tviews",
            says what to do next
  --newest  print only the newest pg_tviews version published on crates.io (prereleases
            included, yanked ones not), for scripts: the nightly workflow verifies against it`;

export const targetsCommand: Command = {
  name: 'targets',
  summary: 'list the verification targets; --newer says how far pg_tviews is behind crates.io',
  help: HELP,
  async run(args) {
    const { values } = parseOptions(args, { newer: { type: 'boolean', default: false }, newest: { type: 'boolean', default: false } });
    if (values.newest && values.newer) throw new UsageError('--newer and --newest cannot be combined');
    if (values.newest) {
      const published = await publishedVersions();
      if (published.length === 0) throw new EnvironmentError('crates.io lists no published pg_tviews version');
      console.log(published.at(-1));
      return EXIT_OK;
    }
    const targets = loadTargets();
    const width = Math.max(...targets.all.map((t) => t.id.length));
    for (const target of targets.all) {
      const primary = target === targets.primary ? '  (primary)' : '';
      console.log(`${target.id.padEnd(width)}  ${describeTarget(target)}  from ${target.package}${primary}`);
    }
    if (!values.newer) return EXIT_OK;
    const [newest, published] = await Promise.all([newestRelease(), publishedVersions()]);
    console.log(`\nnewest pg_tviews on crates.io: ${newest}`);
    for (const pinned of [...new Set(targets.all.map((t) => t.pgTviewsVersion))]) {
      const on = targets.all.filter((t) => t.pgTviewsVersion === pinned).map((t) => t.id).join(', ');
      const newer = published.filter((v) => compareVersions(v, pinned) > 0 && compareVersions(v, newest) <= 0);
      if (newer.length === 0) {
        console.log(`${pinned} (${on}): up to date`);
      } else {
        console.log(`${pinned} (${on}): ${newer.length} release(s) behind: ${newer.join(', ')}`);
        console.log('  read each one\'s CHANGELOG.md entry, then follow "Bumping pg_tviews" in README.md');
      }
    }
    return EXIT_OK;
  },
};
