/**
 * A smart-HTTP git server on 127.0.0.1 for tests: a Node http server that checks a token and
 * runs the real `git http-backend` CGI for each request. Every request (method, path, headers,
 * status) is recorded so tests can assert exactly what a client sent.
 *
 *   Authorization: Basic base64(<any user>:<token>)   or   Authorization: Bearer <token>
 *
 * Anything else gets 401 with `WWW-Authenticate: Basic`, as GitHub and GitLab answer.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as requested, e.g. /repo/info/refs?service=git-upload-pack. */
  url: string;
  path: string;
  headers: IncomingHttpHeaders;
  authorized: boolean;
  /** 0 while the request is held (stall mode) or still being answered. */
  status: number;
}

export interface GitHttpServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** URL of the repository at `<root>/<name>` (a bare repo or a work tree with .git). */
  repoUrl(name: string): string;
  readonly requests: RecordedRequest[];
  /** While on, requests are recorded and then never answered (for timeout tests). */
  stall(on: boolean): void;
  close(): Promise<void>;
}

export interface GitHttpServerOptions {
  /** Directory holding the served repositories (GIT_PROJECT_ROOT). */
  root: string;
  /** Required token; undefined serves without authentication. */
  token?: string;
}

function isAuthorized(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  if (!header) return false;
  const [scheme = '', value = ''] = header.split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') return value === token;
  if (scheme.toLowerCase() !== 'basic') return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && decoded.slice(colon + 1) === token;
}

function runBackend(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, root: string): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: root,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    REMOTE_USER: 'test',
  };
  const optional: Array<[string, string | string[] | undefined]> = [
    ['CONTENT_TYPE', req.headers['content-type']],
    ['CONTENT_LENGTH', req.headers['content-length']],
    ['HTTP_CONTENT_ENCODING', req.headers['content-encoding']],
    ['GIT_PROTOCOL', req.headers['git-protocol']],
  ];
  for (const [name, value] of optional) if (typeof value === 'string') env[name] = value;

  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    // CGI response: header lines (Status: replaces the status line), blank line, body.
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') res.statusCode = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    record.status = res.statusCode;
    headersSent = true;
    res.write(head.subarray(end + 4));
  });
  child.stdout.on('end', () => res.end());
  child.on('error', () => {
    res.statusCode = 500;
    res.end();
  });
  child.stdin.on('error', () => undefined);
  req.pipe(child.stdin);
}

export async function startGitHttpServer(opts: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: RecordedRequest[] = [];
  let stalled = false;
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url,
      path: url.split('?')[0] ?? url,
      headers: { ...req.headers },
      authorized: isAuthorized(req.headers.authorization, opts.token),
      status: 0,
    };
    requests.push(record);
    if (stalled) return;
    if (!record.authorized) {
      record.status = 401;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="packbot-test"', 'Content-Type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    runBackend(req, res, record, opts.root);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    repoUrl: (name) => `${base}/${name}`,
    requests,
    stall(on) {
      stalled = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
