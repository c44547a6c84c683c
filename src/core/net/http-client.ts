/**
 * packbot's own HTTP client: a fetch-shaped function over node:http/https, with agents this
 * client creates and destroys.
 *
 * Why not the global fetch (or undici): Node's fetch sends through whatever dispatcher is
 * installed under undici's global symbol, and importing discord.js installs @discordjs/rest's
 * undici there. Every undici that runs on Node 20 (6.x and 7.x; the fix, nodejs/undici#5360, is
 * in undici 8, which needs Node 22) asserts when a server ends a body by closing the socket while
 * the reader applies backpressure — an HTTP/1.0 archive server written to disk — and that
 * assertion is thrown from a socket event: no try/catch reaches it, the process exits. Node's
 * own HTTP client ends such a body normally, and reports an early close as a stream error.
 *
 * What it does: GET/POST with string or byte bodies, headers, an AbortSignal. What it does not:
 * follow redirects (callers check each hop against url-policy and follow by hand; a redirect
 * answered to a caller that didn't ask for `manual` is a 3xx it reports), decompress (no
 * Accept-Encoding is sent unless a caller sets one), cookies, caching.
 * Failures look like fetch's: a request that fails rejects with TypeError('fetch failed',
 * {cause}); a body cut short errors its stream with TypeError('terminated', {cause}).
 *
 * No module-level state: the app creates one client, passes it down, and closes it on stop.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The global fetch's shape, so callers (and their tests) need not know which fetch it is. */
export type FetchLike = typeof fetch;

export interface HttpClient {
  fetch: FetchLike;
  /**
   * Destroys every socket and refuses new requests. Called once the work that used it is over
   * (the app stops its deploys first), so nothing useful is cut; a stuck request can't hold it.
   */
  close(): Promise<void>;
}

// Bytes buffered ahead of the reader before the socket is paused.
const HIGH_WATER = 256 * 1024;
const NULL_BODY = new Set([101, 204, 205, 304]);

export function createHttpClient(): HttpClient {
  // No keep-alive: nothing idles after a request, so closing leaves nothing behind.
  const agents = { http: new HttpAgent({ keepAlive: false }), https: new HttpsAgent({ keepAlive: false }) };
  let closed = false;

  const fetch: FetchLike = (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      if (closed) return reject(new TypeError('fetch failed', { cause: new Error('the HTTP client is closed') }));
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return reject(new TypeError('fetch failed', { cause: new Error(`${url.protocol} is not http(s)`) }));
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(signal.reason);
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => (headers[name] = value));
      const body = requestBody(init.body);
      if (body !== undefined) headers['content-length'] = String(body.byteLength);
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, { method: init.method ?? 'GET', headers, agent: url.protocol === 'https:' ? agents.https : agents.http });
      const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      let answered = false;
      req.on('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        if (answered) return; // the body stream reports it
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err }));
      });
      req.on('response', (res) => {
        answered = true;
        res.on('close', () => signal?.removeEventListener('abort', onAbort));
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 599) {
          res.destroy();
          return reject(new TypeError('fetch failed', { cause: new Error(`invalid HTTP status ${status}`) }));
        }
        const stream = NULL_BODY.has(status) || init.method === 'HEAD' ? null : bodyStream(res, signal);
        if (stream === null) res.resume();
        resolve(new Response(stream, { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res) }));
      });
      req.end(body);
    });

  return {
    fetch,
    close() {
      closed = true;
      agents.http.destroy();
      agents.https.destroy();
      return Promise.resolve();
    },
  };
}

function requestBody(body: RequestInit['body']): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('packbot\'s HTTP client sends string or byte bodies only');
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    try {
      headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
    } catch {
      // A header Headers refuses (invalid characters) is dropped, as a browser would.
    }
  }
  return headers;
}

/** The response as a web stream, paused while the reader is behind; an early close is an error. */
function bodyStream(res: IncomingMessage, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const fail = (cause: unknown) => {
          if (done) return;
          done = true;
          controller.error(signal?.aborted ? signal.reason : new TypeError('terminated', { cause }));
        };
        res.on('data', (chunk: Buffer) => {
          if (done) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 1) <= 0) res.pause();
        });
        res.on('end', () => {
          if (done) return;
          done = true;
          controller.close();
        });
        res.on('error', fail);
        // Closed without 'end': the server stopped short of the length it promised.
        res.on('close', () => fail(Object.assign(new Error('the connection closed before the body was complete'), { code: 'UND_ERR_SOCKET' })));
      },
      pull() {
        res.resume();
      },
      cancel() {
        done = true;
        res.destroy();
      },
    },
    { highWaterMark: HIGH_WATER, size: (chunk) => chunk.byteLength },
  );
}

/**
 * Runs `fn` with the given fetch, or with a client made for this call alone and closed after:
 * a caller that was not handed the app's client still never touches the global dispatcher.
 */
export async function withFetch<T>(given: FetchLike | undefined, fn: (fetch: FetchLike) => Promise<T>): Promise<T> {
  if (given) return fn(given);
  const client = createHttpClient();
  try {
    return await fn(client.fetch);
  } finally {
    await client.close();
  }
}
