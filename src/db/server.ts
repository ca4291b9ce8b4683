import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EnvironmentError, type ErrorLocation } from '../errors/index.ts';
import { AttachedServer } from './attached.ts';
import type { ProviderName } from './provider.ts';
import type { ServerInfo } from './server-info.ts';

const OWNER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'owner.ts');

export interface StartOptions {
  provider?: ProviderName;
  /** A target id of targets.env; default: the primary target. */
  target?: string;
  scale?: number;
  /** Where to record the server for `runbooks db status` and friends. */
  stateFile?: string;
  /** Receives the owner's progress lines; default: our stderr. */
  onLog?: (line: string) => void;
  /** Aborting stops a start in progress; start then rejects once everything is removed. */
  signal?: AbortSignal;
}

/**
 * A verification server held by an owner process (src/db/owner.ts). Closing it — or this
 * process ending in any way — makes the owner remove the server and all its databases.
 */
export class DatabaseServer extends AttachedServer {
  readonly #owner: ChildProcess;
  readonly #exited: Promise<number>;

  private constructor(info: ServerInfo, owner: ChildProcess, exited: Promise<number>) {
    super(info);
    this.#owner = owner;
    this.#exited = exited;
  }

  static async start(options: StartOptions = {}): Promise<DatabaseServer> {
    const args = ['--provider', options.provider ?? 'local', '--scale', String(options.scale ?? 1)];
    if (options.target) args.push('--target', options.target);
    if (options.stateFile) args.push('--state-file', options.stateFile);
    const owner = spawn(process.execPath, [OWNER_SCRIPT, ...args], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise<number>((resolve) => owner.on('exit', (code) => resolve(code ?? 1)));
    const onLog = options.onLog ?? ((line: string) => process.stderr.write(`${line}\n`));
    createInterface({ input: owner.stderr! }).on('line', onLog);
    const lines = createInterface({ input: owner.stdout! });
    const message = await new Promise<{ ready?: ServerInfo; error?: string; location?: ErrorLocation }>((resolve) => {
      lines.once('line', (line) => {
        try {
          resolve(JSON.parse(line));
        } catch {
          resolve({ error: `unexpected output from the database owner: ${line}` });
        }
      });
      void exited.then((code) => resolve({ error: `the database owner exited (${code}) before the server was ready` }));
      options.signal?.addEventListener('abort', () => resolve({ error: 'interrupted: the database was not started' }), { once: true });
    });
    if (!message.ready) {
      owner.stdin!.end();
      await exited;
      throw new EnvironmentError(message.error ?? 'the database did not start', message.location);
    }
    return new DatabaseServer(message.ready, owner, exited);
  }

  /** Keeps the server running after this process exits (until `runbooks db down`). */
  detach(): void {
    this.#owner.stdin!.write('detach\n');
    this.#owner.stdin!.end();
    this.#owner.unref();
    (this.#owner.stdout as NodeJS.ReadStream | null)?.unref?.();
    (this.#owner.stderr as NodeJS.ReadStream | null)?.unref?.();
  }

  /** Stops the server and waits until everything is removed. */
  override async close(): Promise<number> {
    await super.close();
    this.#owner.stdin!.end();
    return this.#exited;
  }
}
