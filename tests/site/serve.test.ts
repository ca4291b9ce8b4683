import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../scripts/serve.ts';

/** scripts/serve.ts, behind `npm start`: static files only, nothing outside the site folder. */

let root: string;
let origin: string;
let close: () => void;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'runbooks-serve-'));
  const site = path.join(root, 'dist');
  mkdirSync(path.join(site, 'report'), { recursive: true });
  writeFileSync(path.join(site, 'index.html'), '<h1>home</h1>');
  writeFileSync(path.join(site, 'report', 'index.html'), '<h1>report</h1>');
  writeFileSync(path.join(site, '404.html'), '<h1>not found</h1>');
  writeFileSync(path.join(site, 'app.js'), 'export {};');
  writeFileSync(path.join(root, 'secret.txt'), 'outside the site');
  const server = serveStatic(site);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});

afterAll(() => {
  close();
  rmSync(root, { recursive: true, force: true });
});

describe('the static server', () => {
  it('serves index.html for a directory and the right content type', async () => {
    const home = await fetch(`${origin}/`);
    expect([home.status, home.headers.get('content-type'), await home.text()]).toEqual([200, 'text/html; charset=utf-8', '<h1>home</h1>']);
    expect(await (await fetch(`${origin}/report/`)).text()).toBe('<h1>report</h1>');
    expect((await fetch(`${origin}/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('redirects a directory without its slash', async () => {
    const response = await fetch(`${origin}/report`, { redirect: 'manual' });
    expect([response.status, response.headers.get('location')]).toEqual([301, '/report/']);
  });

  it('answers 404 with the site 404 page', async () => {
    const response = await fetch(`${origin}/nothing/here/`);
    expect([response.status, await response.text()]).toEqual([404, '<h1>not found</h1>']);
  });

  it('never serves a file outside the site folder', async () => {
    for (const attempt of ['/../secret.txt', '/%2e%2e/secret.txt', '/report/..%2f..%2fsecret.txt', '/%2e%2e%2fsecret.txt']) {
      const response = await fetch(`${origin}${attempt}`);
      expect(await response.text(), attempt).not.toContain('outside the site');
    }
  });

  it('refuses anything but GET and HEAD', async () => {
    expect((await fetch(`${origin}/`, { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await fetch(`${origin}/`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });
});
