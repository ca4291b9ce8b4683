import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EnvironmentError } from '../../cli/command.ts';

const run = promisify(execFile);

/** Debian packages the local provider needs: the server, headers and toolchain to build
 * pg_tviews, and shellcheck for lint; the browser tests also need Chromium. */
export function requiredPackages(postgresMajor: number, options: { browser?: boolean } = {}): string[] {
  return [
    `postgresql-${postgresMajor}`,
    `postgresql-server-dev-${postgresMajor}`,
    `postgresql-client-${postgresMajor}`,
    'build-essential',
    'clang',
    'libclang-dev',
    'pkg-config',
    'libssl-dev',
    'curl',
    'ca-certificates',
    'shellcheck',
    ...(options.browser ? ['chromium'] : []),
  ];
}

export async function missingPackages(packages: string[]): Promise<string[]> {
  const missing: string[] = [];
  await Promise.all(
    packages.map(async (name) => {
      try {
        const { stdout } = await run('dpkg-query', ['-W', '-f=${Status}', name]);
        if (!stdout.includes('install ok installed')) missing.push(name);
      } catch {
        missing.push(name);
      }
    }),
  );
  return missing.sort();
}

/**
 * Installs what is missing when running as root; otherwise says exactly what to run.
 * `log` receives progress lines (apt's own output goes to stderr).
 */
export async function ensurePackages(postgresMajor: number, log: (line: string) => void, options: { browser?: boolean } = {}): Promise<void> {
  const missing = await missingPackages(requiredPackages(postgresMajor, options));
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(`missing Debian packages: ${missing.join(', ')}.\nInstall them with:\n  sudo sh -c '${command}'`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const aptOptions = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 * 1024 * 1024 };
  try {
    await run('apt-get', ['update', '-qq'], aptOptions);
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], aptOptions);
  } catch (error) {
    throw new EnvironmentError(`could not install ${missing.join(' ')}: ${(error as Error).message.split('\n').slice(0, 5).join('\n')}`);
  }
}
