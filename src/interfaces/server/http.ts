/**
 * packbot's one HTTP server: /healthz, the Slack Events route (HTTP mode) and, later,
 * webhooks and /metrics. Parts add routes through `mount` before it listens; it binds to
 * 127.0.0.1 unless told otherwise, because a chat bot that can deploy should not be
 * reachable from everywhere by accident.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { SERVER_DEFAULTS, type ServerConfig } from '../../domain/config/schema-server.js';
import type { Logger } from '../../core/logging/logger.js';
import { parseDuration } from '../../domain/config/duration.js';

/** For a config without `server:` (the schema leaves it absent rather than filling it in). */
export const HTTP_DEFAULTS = { host: SERVER_DEFAULTS.host, port: SERVER_DEFAULTS.port } as const;

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** `server.timeouts` (ms); without them, the config defaults. */
  timeouts?: ServerConfig['timeouts'];
  logger: Logger;
}

/**
 * Node checks the headers and request timeouts on a timer (30 s by default), so a 1 s limit
 * could hold a slow client 30 s; a quarter of the shortest limit keeps the cut near the limit.
 */
function checkingInterval(t: ServerConfig['timeouts']): number {
  return Math.min(30_000, Math.max(100, Math.floor(Math.min(t.headers, t.request) / 4)));
}

function defaultTimeouts(): ServerConfig['timeouts'] {
  const d = SERVER_DEFAULTS.timeouts;
  return { headers: parseDuration(d.headers), request: parseDuration(d.request), idle: parseDuration(d.idle), keep_alive: parseDuration(d.keep_alive) };
}

export interface HttpServer {
  readonly fastify: FastifyInstance;
  /** Binds and starts answering; resolves to the base URL, e.g. http://127.0.0.1:3000. */
  listen(): Promise<string>;
  /** The base URL once listening. */
  url(): string | undefined;
  /** Stops accepting, lets requests in flight finish. */
  close(): Promise<void>;
}

export function createHttpServer(opts: HttpServerOptions): HttpServer {
  const log = opts.logger.child({ component: 'http' });
  // Fastify's own logger is off: it would log every Slack event twice, past the masker;
  // routes log what matters themselves through packbot's (masking) logger.
  const timeouts = opts.timeouts ?? defaultTimeouts();
  // A client that trickles its headers or body (slow-loris) would otherwise hold a socket and
  // its buffers for as long as it likes: headers and the whole request each have a deadline
  // (answered 408 and closed), an idle socket is closed, and so is an idle keep-alive one.
  const fastify = Fastify({
    logger: false,
    return503OnClosing: true,
    connectionTimeout: timeouts.idle,
    requestTimeout: timeouts.request,
    keepAliveTimeout: timeouts.keep_alive,
    http: { headersTimeout: timeouts.headers, requestTimeout: timeouts.request, connectionsCheckingInterval: checkingInterval(timeouts) },
  });
  fastify.get('/healthz', async () => ({ ok: true }));
  fastify.setErrorHandler((err: { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) log.error({ err }, 'HTTP request failed');
    void reply.code(status).type('text/plain').send(status === 500 ? 'internal error\n' : 'bad request\n');
  });
  let base: string | undefined;
  return {
    fastify,
    async listen() {
      await fastify.listen({ host: opts.host, port: opts.port });
      const address = fastify.server.address();
      const port = typeof address === 'object' && address ? address.port : opts.port;
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      base = `http://${host}:${port}`;
      log.info({ url: base }, 'HTTP server listening');
      return base;
    },
    url: () => base,
    async close() {
      await fastify.close();
    },
  };
}
