import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ServerInfo } from './server-info.ts';
import { cloneDatabase, databaseUrl, dropDatabase } from './template.ts';

/** What verification needs from a server, whoever owns it. */
export interface VerificationServer {
  readonly info: ServerInfo;
  url(database: string): string;
  createScratch(label?: string): Promise<string>;
  dropScratch(name: string): Promise<void>;
  /** Drops what this process created; stops the server only if this process started it. */
  close(): Promise<number>;
}

/**
 * A server someone else keeps running (the one `runbooks db up` holds, or one an owner
 * process holds for us): we create scratch copies of its fixture and drop only those.
 */
export class AttachedServer implements VerificationServer {
  readonly info: ServerInfo;
  #admin?: pg.Client;
  #created = new Set<string>();

  constructor(info: ServerInfo) {
    this.info = info;
  }

  url(database: string): string {
    return databaseUrl(this.info.adminUrl, database);
  }

  async #client(): Promise<pg.Client> {
    if (!this.#admin) {
      this.#admin = new pg.Client({ connectionString: this.info.adminUrl, application_name: 'runbooks-admin' });
      await this.#admin.connect();
    }
    return this.#admin;
  }

  async createScratch(label = 'scratch'): Promise<string> {
    const safeLabel = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 24);
    const name = `${this.info.databasePrefix}${safeLabel}_${process.pid}_${randomBytes(3).toString('hex')}`;
    await cloneDatabase(await this.#client(), this.info.templateDatabase, name);
    this.#created.add(name);
    return name;
  }

  async dropScratch(name: string): Promise<void> {
    if (!this.#created.has(name)) throw new Error(`refusing to drop ${name}: this process did not create it`);
    await dropDatabase(await this.#client(), name);
    this.#created.delete(name);
  }

  /**
   * Drops scratch databases of runs that died without cleaning up (killed with SIGKILL while
   * borrowing this server): their names end in the creating process id, which is gone.
   */
  async reapAbandoned(isAlive: (pid: number) => boolean): Promise<string[]> {
    const client = await this.#client();
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND NOT datistemplate`,
      [this.info.databasePrefix],
    );
    const abandoned = rows
      .map((r) => r.datname)
      .filter((name) => {
        const match = /_(\d+)_[0-9a-f]{6}$/.exec(name);
        return match !== null && !isAlive(Number(match[1]));
      });
    for (const name of abandoned) await dropDatabase(client, name);
    return abandoned;
  }

  async close(): Promise<number> {
    for (const name of this.#created) await this.dropScratch(name).catch(() => undefined);
    await this.#admin?.end().catch(() => undefined);
    return 0;
  }
}
