import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { diffSnapshots, formatDiff } from '../../api/diff.ts';
import { formatSnapshot, liveSnapshot, SNAPSHOT_DIR, snapshotFile } from '../../api/live.ts';
import type { ApiSnapshot } from '../../api/snapshot.ts';
import { projectRoot } from '../../config/paths.ts';
import { findTarget, loadTargets, TARGET_ID } from '../../config/targets.ts';
import { acquireServer } from '../../db/acquire.ts';
import { PROVIDER_NAMES, type ProviderName } from '../../db/provider.ts';
import { UsageError } from '../../errors/index.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, parseOptions } from '../command.ts';

const HELP = `usage: runbooks api-snapshot [--target <id>] [--check] [--provider local|docker|url]
       runbooks api-snapshot --diff <A> <B>

Reads what each target's pg_tviews owns (functions with their arguments and result columns,
tables and views with their columns, event triggers, and the triggers it installs on the
fixture's source tables) and writes it to ${path.relative(projectRoot, SNAPSHOT_DIR)}/<target>.json, the
files lint checks snippets against. Uses the database of 'runbooks db up' when one runs for
the target, otherwise a throwaway one.

  --target <id>   only this target (default: every target of targets.env)
  --check         write nothing; exit 1 if a committed file differs from its live extension
  --diff <A> <B>  print what changed from A to B, each a target id or a snapshot file; the
                  first thing to read when bumping pg_tviews (no database needed)`;

async function readSnapshot(reference: string): Promise<{ label: string; snapshot: ApiSnapshot }> {
  const file = TARGET_ID.test(reference) && !reference.endsWith('.json') ? snapshotFile(findTarget(reference).id) : path.resolve(reference);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`no snapshot at ${path.relative(process.cwd(), file)}: name a target (${loadTargets().all.map((t) => t.id).join(', ')}) or a snapshot file`);
  }
  const snapshot = JSON.parse(text) as ApiSnapshot;
  return { label: `${path.relative(process.cwd(), file)} (pg_tviews ${snapshot.version})`, snapshot };
}

export const apiSnapshotCommand: Command = {
  name: 'api-snapshot',
  summary: 'record what each target\'s pg_tviews provides, for lint; --diff shows what changed between two',
  help: HELP,
  async run(args) {
    const { values, positionals } = parseOptions(
      args,
      { target: { type: 'string' }, check: { type: 'boolean', default: false }, diff: { type: 'boolean', default: false }, provider: { type: 'string' } },
      true,
    );
    if (values.diff) {
      if (positionals.length !== 2) throw new UsageError('--diff takes two snapshots: target ids (pg16 pg18) or files');
      const [from, to] = await Promise.all(positionals.map(readSnapshot));
      console.log(formatDiff(diffSnapshots(from.snapshot, to.snapshot, { from: from.label, to: to.label })));
      return EXIT_OK;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const provider = values.provider ?? process.env.PGTV_PROVIDER;
    if (provider && !PROVIDER_NAMES.includes(provider as ProviderName)) throw new UsageError(`unknown provider '${provider}'`);
    const targets = values.target ? [findTarget(values.target)] : loadTargets().all;
    let code = EXIT_OK;
    for (const target of targets) {
      const server = await acquireServer({ target: target.id, provider: provider as ProviderName | undefined });
      let text: string;
      try {
        text = formatSnapshot(await liveSnapshot(server));
      } finally {
        await server.close();
      }
      const file = snapshotFile(target.id);
      const relative = path.relative(projectRoot, file);
      if (values.check) {
        const committed = await readFile(file, 'utf8').catch(() => '');
        if (committed === text) {
          console.log(`${relative} matches the pg_tviews of ${target.id}`);
        } else {
          console.error(`${relative} differs from the pg_tviews of ${target.id}: run 'runbooks api-snapshot --target ${target.id}' and review the diff`);
          code = EXIT_FAILURE;
        }
        continue;
      }
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      console.log(`wrote ${relative}`);
    }
    return code;
  },
};
