import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { EnvironmentError } from '../cli/command.ts';
import type { ProviderName } from './provider.ts';
import type { ServerInfo } from './server-info.ts';
import { cloneDatabase, databaseUrl, dropDatabase } from './template.ts';

const OWNER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'owner.ts');

export interface StartOptions {
  provider?: ProviderName;
  scale?: number;
  /** Where to record the server for `runbooks db status` and friends. */
  stateFile?: string;
  /** Receives the owner's progress lines; default: our stderr. */
  onLog?: (line: string) => void;
}

/**
 * A verification server held by an owner process (src/db/owner.ts). Closing it — or this
 * process ending in any way — makes the owner remove the server and all its databases.
 */
export class DatabaseServer {
  readonly info: ServerInfo;
  readonly #owner: ChildProcess;
  readonly #exited: Promise<number>;
  #admin?: pg.Client;
  #scratchCount = 0;

  private constructor(info: ServerInfo, owner: ChildProcess, exited: Promise<number>) {
    this.info = info;
    this.#owner = owner;
    this.#exited = exited;
  }

  static async start(options: StartOptions = {}): Promise<DatabaseServer> {
    const args = ['--provider', options.provider ?? 'local', '--scale', String(options.scale ?? 1)];
    if (options.stateFile) args.push('--state-file', options.stateFile);
    const owner = spawn(process.execPath, [OWNER_SCRIPT, ...args], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise<number>((resolve) => owner.on('exit', (code) => resolve(code ?? 1)));
    const onLog = options.onLog ?? ((line: string) => process.stderr.write(`${line}\n`));
    createInterface({ input: owner.stderr! }).on('line', onLog);
    const lines = createInterface({ input: owner.stdout! });
    const message = await new Promise<{ ready?: ServerInfo; error?: string; environment?: boolean }>((resolve) => {
      lines.once('line', (line) => {
        try {
          resolve(JSON.parse(line));
        } catch {
          resolve({ error: `unexpected output from the database owner: ${line}` });
        }
      });
      void exited.then((code) => resolve({ error: `the database owner exited (${code}) before the server was ready` }));
    });
    if (!message.ready) {
      owner.stdin!.end();
      await exited;
      const error = message.error ?? 'the database did not start';
      throw message.environment ? new EnvironmentError(error) : new Error(error);
    }
    return new DatabaseServer(message.ready, owner, exited);
  }

  url(database: string): string {
    return databaseUrl(this.info.adminUrl, database);
  }

  async #adminClient(): Promise<pg.Client> {
    if (!this.#admin) {
      this.#admin = new pg.Client({ connectionString: this.info.adminUrl, application_name: 'runbooks-admin' });
      await this.#admin.connect();
    }
    return this.#admin;
  }

  /** A fresh copy of the fixture, for work that may change or destroy it. */
  async createScratch(label = 'scratch'): Promise<string> {
    const safeLabel = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 24);
    const name = `${this.info.databasePrefix}${safeLabel}_${++this.#scratchCount}_${randomBytes(3).toString('hex')}`;
    await cloneDatabase(await this.#adminClient(), this.info.templateDatabase, name);
    return name;
  }

  async dropScratch(name: string): Promise<void> {
    if (!name.startsWith(this.info.databasePrefix) || name === this.info.templateDatabase) {
      throw new Error(`refusing to drop ${name}: not a scratch database of this run`);
    }
    await dropDatabase(await this.#adminClient(), name);
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
  async close(): Promise<number> {
    await this.#admin?.end().catch(() => undefined);
    this.#admin = undefined;
    this.#owner.stdin!.end();
    return this.#exited;
  }
}
