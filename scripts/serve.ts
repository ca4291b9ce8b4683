#!/usr/bin/env node
// Serves a built site (default: dist/) on localhost, the way any static file server would:
// files only, `/dir/` → `/dir/index.html`, the site's 404.html for anything else. Used by
// `npm start` and by the browser tests. No caching headers, no compression, no logging of
// query strings: nothing a runbook page needs from a server.
//   node scripts/serve.ts [--dir dist] [--port 4321] [--host 127.0.0.1]
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  // pagefind's index fragments and metadata are binary.
  '.pf_meta': 'application/octet-stream',
  '.pf_index': 'application/octet-stream',
  '.pf_fragment': 'application/octet-stream',
};

async function resolveFile(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const candidate = path.join(root, path.normalize(decoded));
  // `..` in the URL must never reach outside the site.
  if (candidate !== root && !candidate.startsWith(root + path.sep)) return undefined;
  for (const file of [candidate, path.join(candidate, 'index.html')]) {
    try {
      if ((await stat(file)).isFile()) return file;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

export function serveStatic(directory: string): Server {
  const root = path.resolve(directory);
  return createServer(async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const urlPath = new URL(request.url ?? '/', 'http://localhost').pathname;
    let file = await resolveFile(root, urlPath);
    // `/report` (no slash) is the directory `/report/`: redirect as static hosts do.
    if (file && !urlPath.endsWith('/') && file.endsWith(`${path.sep}index.html`) && !urlPath.endsWith('index.html')) {
      response.writeHead(301, { location: `${urlPath}/` }).end();
      return;
    }
    let status = 200;
    if (!file) {
      status = 404;
      file = await resolveFile(root, '/404.html');
    }
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    response.writeHead(status, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { dir: { type: 'string', default: 'dist' }, port: { type: 'string', default: process.env.PORT ?? '4321' }, host: { type: 'string', default: '127.0.0.1' } } });
  if (!existsSync(path.join(values.dir, 'index.html'))) {
    console.error(`no built site in ${path.resolve(values.dir)}: run npm run build (or npm run site:build) first`);
    process.exit(2);
  }
  const server = serveStatic(values.dir);
  server.listen(Number(values.port), values.host, () => {
    console.log(`serving ${path.resolve(values.dir)} at http://${values.host}:${values.port}/ (Ctrl-C stops)`);
  });
}
