import type { TestProject } from 'vitest/node';
import { DatabaseServer } from '../../src/db/server.ts';
import type { ServerInfo } from '../../src/db/server-info.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    server: ServerInfo;
  }
}

/** One verification server for the whole integration run (the first run builds pg_tviews). */
export default async function setup(project: TestProject) {
  const server = await DatabaseServer.start({ onLog: (line) => process.stderr.write(`${line}\n`) });
  project.provide('server', server.info);
  return async () => {
    await server.close();
  };
}
