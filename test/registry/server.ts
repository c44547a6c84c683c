/**
 * An index server on 127.0.0.1 for the registry tests: serves the fixture indexes and a few
 * misbehaving routes (slow, oversized, failing, authenticated), recording every request.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/registry/', import.meta.url));
export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

export interface IndexServer {
  /** http://127.0.0.1:<port> */
  url: string;
  readonly requests: Array<{ url: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** user "ci", password "s3cr3t-pass" */
export const BASIC = `Basic ${Buffer.from('ci:s3cr3t-pass').toString('base64')}`;

export async function startIndexServer(): Promise<IndexServer> {
  const requests: IndexServer['requests'] = [];
  const pending = new Set<() => void>();
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const path = (req.url ?? '').replace(/\?.*$/, '');
    const json = (body: string) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    };
    switch (path) {
      case '/exchange/v1/index.json':
        return json(fixture('exchange-index.json'));
      case '/attune/index.json':
        return json(fixture('attune-index.json'));
      case '/malformed/index.json':
        return json(fixture('malformed-index.json'));
      case '/not-json/index.json':
        return json('<html>maintenance</html>');
      case '/private/index.json':
        if (req.headers.authorization !== BASIC) {
          res.writeHead(401, { 'www-authenticate': 'Basic' });
          return res.end();
        }
        return json(fixture('attune-index.json'));
      case '/slow/index.json': {
        // Headers now, body never: the timeout must cover reading the body too.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"packs": {');
        const finish = () => res.end('}}');
        pending.add(finish);
        return;
      }
      case '/big-declared/index.json':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50_000_000) });
        return res.end();
      case '/big-chunked/index.json': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = `"${'x'.repeat(64 * 1024)}",`;
        let sent = 0;
        const pump = () => {
          while (sent < 64 && res.write(chunk)) sent++;
          if (sent < 64) res.once('drain', pump);
          else res.end();
        };
        res.write('{"packs": {}, "padding": [');
        pump();
        return;
      }
      case '/broken/index.json':
        res.writeHead(500, { 'content-type': 'text/plain' });
        return res.end('oops');
      default:
        res.writeHead(404);
        return res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const finish of pending) finish();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
