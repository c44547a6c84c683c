/**
 * An HTTP server on 127.0.0.1 for archive download tests. Routes are plain handlers; every
 * request path is recorded so a test can prove a refused URL was never fetched.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface ArchiveServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startArchiveServer(routes: Record<string, Route>): Promise<ArchiveServer> {
  const requests: string[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname);
    open.add(res);
    res.on('close', () => open.delete(res));
    const route = routes[url.pathname];
    if (route === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    route(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function serveBytes(body: Buffer): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  };
}

export function redirectTo(location: string, status = 302): Route {
  return (_req, res) => {
    res.writeHead(status, { location });
    res.end();
  };
}
