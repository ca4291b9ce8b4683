import pg from 'pg';
import type { VerificationServer } from '../db/attached.ts';

/**
 * What a snippet or scenario may leave in a database it ran in: sessions still running
 * (killed at its timeout, or a background psql), and prepared transactions. Both would
 * outlive the run and block dropping the database; this removes them.
 */
export async function sweepDatabase(server: VerificationServer, database: string, applicationName?: string): Promise<{ backends: number; preparedTransactions: string[] }> {
  const client = new pg.Client({ connectionString: server.url(database), application_name: 'runbooks-sweep' });
  await client.connect();
  try {
    const terminated = await client.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()
         AND ($1::text IS NULL OR application_name = $1 OR application_name LIKE $1 || '%')`,
      [applicationName ?? null],
    );
    const { rows } = await client.query<{ gid: string }>(`SELECT gid FROM pg_prepared_xacts WHERE database = current_database()`);
    for (const { gid } of rows) await client.query(`ROLLBACK PREPARED '${gid.replaceAll("'", "''")}'`);
    return { backends: terminated.rowCount ?? 0, preparedTransactions: rows.map((r) => r.gid) };
  } finally {
    await client.end();
  }
}
