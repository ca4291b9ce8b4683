import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { ServerInfo } from './server-info.ts';
import { cloneDatabase, databaseUrl, dropDatabase } from './template.ts';

/** What verification needs from a server, whoever owns it. */
export interface VerificationServer {
  readonly info: ServerInfo;
  url(database: string): string;
  createScratch(label?: string): Promise<string>;
  dropScratch(name: string): Promise<void>;
  /** Ends sessions of `applicationName` (prefix) in `database` and rolls back its prepared transactions. */
  sweep(database: string, applicationName?: string): Promise<SweepResult>;
  /** Drops what this process created; stops the server only if this process started it. */
  close(): Promise<number>;
}

export interface SweepResult {
  backends: number;
  preparedTransactions: string[];
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

  /**
   * On the machine that runs a local cluster, the Unix socket: no password exchange per
   * connection (SCRAM costs milliseconds each time, and verification connects a lot).
   */
  url(database: string): string {
    const { socketDirectory, port } = this.info.details;
    if (socketDirectory && port && existsSync(path.join(socketDirectory, `.s.PGSQL.${port}`))) {
      return `postgresql://postgres@/${encodeURIComponent(database)}?host=${encodeURIComponent(socketDirectory)}&port=${port}`;
    }
    return databaseUrl(this.info.adminUrl, database);
  }

  async #client(): Promise<pg.Client> {
    if (!this.#admin) {
      this.#admin = new pg.Client({ connectionString: this.url('postgres'), application_name: 'runbooks-admin' });
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
   * What a snippet or scenario may leave in a database it ran in: sessions still running
   * (killed at its timeout, or a background psql) and prepared transactions. Both would
   * outlive the run and block dropping the database. Checked from the admin connection;
   * only rolling back a prepared transaction needs a connection to that database.
   */
  async sweep(database: string, applicationName?: string): Promise<SweepResult> {
    const client = await this.#client();
    const terminated = await client.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = $1 AND pid <> pg_backend_pid()
         AND ($2::text IS NULL OR starts_with(application_name, $2))`,
      [database, applicationName ?? null],
    );
    const { rows } = await client.query<{ gid: string }>(`SELECT gid FROM pg_prepared_xacts WHERE database = $1 ORDER BY prepared`, [database]);
    if (rows.length > 0) {
      const local = new pg.Client({ connectionString: this.url(database), application_name: 'runbooks-sweep' });
      await local.connect();
      try {
        for (const { gid } of rows) await local.query(`ROLLBACK PREPARED '${gid.replaceAll("'", "''")}'`);
      } finally {
        await local.end();
      }
    }
    return { backends: terminated.rowCount ?? 0, preparedTransactions: rows.map((r) => r.gid) };
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
