// Starts a verification server, prints its info as one JSON line, then waits to be killed:
// the lifecycle tests kill this process in various ways and check what is left behind.
import { DatabaseServer } from '../../../src/db/server.ts';

const server = await DatabaseServer.start({ onLog: () => undefined });
process.stdout.write(`${JSON.stringify(server.info)}\n`);
setInterval(() => undefined, 1 << 30);
