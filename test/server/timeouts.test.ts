/**
 * Finding 11 (server half): the HTTP server had no request or body timeout, so a client that
 * sent its headers and then trickled the body (slow-loris) held a socket for as long as it
 * liked. With `server.timeouts`, the request is cut at its deadline. Outcomes only: the socket
 * closes and the route never runs; how fast is not asserted.
 */
import { connect, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logging/logger.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { serverSchema } from '../../src/domain/config/schema-server.js';
import { createHttpServer, type HttpServer } from '../../src/interfaces/server/http.js';
import { startLiveBot, type LiveBot } from '../helpers/live-bot.js';

/** Sockets a test opened: a failing test must not leave one holding the server's close. */
const opened: Socket[] = [];

/** Opens a socket, writes `head`, then one byte of `trickle` every 300 ms until the server closes it. */
function slowClient(url: string, head: string, trickle: string): { closed: Promise<string>; socket: Socket } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  opened.push(socket);
  let answer = '';
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<string>((resolve) => {
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve(answer);
    });
  });
  socket.on('connect', () => {
    socket.write(head);
    let i = 0;
    timer = setInterval(() => {
      if (!socket.destroyed && !socket.writableEnded) socket.write(trickle[i++ % trickle.length] ?? 'x');
    }, 300);
  });
  return { closed, socket };
}

const quiet = () => createLogger({ level: 'error', masker: createMasker(), destination: new PassThrough(), pretty: false });

describe('slow clients are cut by the server timeouts', () => {
  let server: HttpServer | undefined;
  let bot: LiveBot | undefined;
  afterEach(async () => {
    for (const socket of opened.splice(0)) socket.destroy();
    await server?.close();
    await bot?.stop();
    server = bot = undefined;
  });

  it('a body trickled a byte at a time is cut at the request timeout; the route never runs; /healthz answers meanwhile', async () => {
    const config = serverSchema.parse({ port: 0, timeouts: { headers: '1s', request: '1s' } });
    server = createHttpServer({ host: '127.0.0.1', port: 0, timeouts: config.timeouts, logger: quiet() });
    let ran = 0;
    server.fastify.post('/probe', async () => ({ ran: ++ran }));
    const base = await server.listen();

    const body = JSON.stringify({ padding: 'x'.repeat(200) });
    const head = `POST /probe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const client = slowClient(base, head, body);
    // Meanwhile others are served.
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);

    const answer = await client.closed;
    expect(client.socket.destroyed).toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(ran).toBe(0);

    // A request sent at an ordinary pace is untouched by the same limits.
    const ok = await fetch(`${base}/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await ok.json()).toEqual({ ran: 1 });
  }, 60_000);

  it('the app takes server.timeouts from packbot.yaml: headers trickled to a webhook are cut, nothing is delivered', async () => {
    bot = await startLiveBot([
      'state_dir: ./var',
      'server:',
      '  port: 0',
      '  timeouts: {headers: 1s, request: 2s}',
      '  webhooks: {github: {secret: slow-loris-secret-91}}',
    ].join('\n'));
    const base = bot.app.httpUrl() ?? '';
    const client = slowClient(base, 'POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await client.closed;
    expect(client.socket.destroyed).toBe(true);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).not.toMatch(/packbot_webhook_deliveries_total\{[^}]*provider="github"/);
  }, 60_000);
});
