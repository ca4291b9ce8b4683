import type { TestProject } from 'vitest/node';
import { loadTargets } from '../../src/config/targets.ts';
import { DatabaseServer } from '../../src/db/server.ts';
import type { ServerInfo } from '../../src/db/server-info.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The primary target's server. */
    server: ServerInfo;
    /** One server per target of targets.env, by target id. */
    servers: Record<string, ServerInfo>;
  }
}

/** One verification server per target for the whole integration run, started side by side. */
export default async function setup(project: TestProject) {
  const targets = loadTargets();
  const started = await Promise.allSettled(
    targets.all.map((target) => DatabaseServer.start({ target: target.id, onLog: (line) => process.stderr.write(`[${target.id}] ${line}\n`) })),
  );
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((server) => server.close()));
    throw (failed as PromiseRejectedResult).reason;
  }
  project.provide('servers', Object.fromEntries(servers.map((server) => [server.info.target, server.info])));
  project.provide('server', servers[0].info);
  return async () => {
    await Promise.all(servers.map((server) => server.close()));
  };
}
