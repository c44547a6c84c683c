/**
 * Downloads a pack archive over HTTP(S) into a staging file, under an allow-list, a size cap
 * and a timeout, hashing it while it streams.
 *
 * Allow-list entries are either
 *   - a bare host name, optionally with a port: `github.com`, `files.example:8443` — HTTPS only;
 *   - an origin with an explicit scheme: `https://files.example`, `http://127.0.0.1:8080` —
 *     the only way to permit plain HTTP.
 * A URL is allowed when its scheme, host and port equal one entry's exactly: no suffix or
 * wildcard matching, so `evil-github.com` and `github.com.evil` never match `github.com`.
 * Paths are not part of an entry, so a redirect cannot be confined to a path prefix; confining by
 * origin is what the check can actually promise.
 */
import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { errnoCode } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { writeAll } from './entry-writer.js';
import { displayUrl } from '../../core/net/urls.js';
import { hasUserinfo } from '../../core/net/url-credentials.js';

export interface DownloadOptions {
  allowedHosts: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  /** Expected sha256 of the archive, 64 hex digits in either case. */
  sha256?: string;
  /** File to write; it must not exist yet (never clobbered, never followed if a symlink). */
  dest: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function fail(message: string): PackbotError {
  return new PackbotError('archive_download', message);
}

function parseAllowEntry(entry: string): string {
  const text = entry.trim();
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `https://${text}`);
  } catch {
    throw fail(`archive allow-list entry "${text}" is not a host name or origin; write it as "host" or "https://host[:port]"`);
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    hasUserinfo(url) ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw fail(`archive allow-list entry "${text}" must be a host or an http(s) origin with no path, query or credentials`);
  }
  return url.origin;
}

function checkUrl(url: URL, allowed: ReadonlySet<string>): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw fail(`archive URL scheme "${url.protocol}" is not supported; use an https:// URL`);
  }
  if (hasUserinfo(url)) {
    throw fail(`archive URL for ${url.host} carries credentials; remove them from the URL`);
  }
  if (allowed.has(url.origin)) return;
  if (url.protocol === 'http:' && allowed.has(`https://${url.host}`)) {
    throw fail(`archive URL ${displayUrl(url)} uses plain http; use https, or allow-list "http://${url.host}" explicitly`);
  }
  throw fail(`archive host ${url.host} is not allow-listed (${displayUrl(url)}); add it to the archive allow-list or use an allowed host`);
}

function parseUrl(raw: string | URL, base?: URL): URL {
  try {
    return new URL(raw, base);
  } catch {
    throw fail('archive URL is not a valid URL; give an absolute https:// URL');
  }
}

function normaliseSha(sha: string | undefined): string | undefined {
  if (sha === undefined) return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(sha)) {
    throw fail('archive sha256 must be 64 hexadecimal characters; copy the full sha256 digest of the archive');
  }
  return sha.toLowerCase();
}

function describeFetchError(err: unknown, url: URL, timeoutMs: number, signal: AbortSignal): PackbotError {
  if (err instanceof PackbotError) return err;
  const reason: unknown = signal.reason;
  if (signal.aborted && reason instanceof DOMException && reason.name === 'TimeoutError') {
    return fail(`archive download from ${displayUrl(url)} took longer than ${timeoutMs} ms; retry, or raise the download timeout`);
  }
  if (signal.aborted) return fail(`archive download from ${displayUrl(url)} was cancelled`);
  // undici hides the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`; its message may echo the URL.
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : 'network error';
  return fail(`archive download from ${displayUrl(url)} failed (${code}); check the URL and that the host is reachable`);
}

/** Resolves redirects by hand so that every hop is checked against the allow-list. */
async function fetchAllowed(
  start: URL,
  allowed: ReadonlySet<string>,
  doFetch: typeof fetch,
  signal: AbortSignal,
): Promise<{ url: URL; res: Response }> {
  let url = start;
  for (let hop = 0; ; hop++) {
    checkUrl(url, allowed);
    // identity: the sha256 must be of the archive's own bytes, not of a transfer-decoded body.
    const res = await doFetch(url, { redirect: 'manual', signal, headers: { 'accept-encoding': 'identity' } });
    if (!REDIRECTS.has(res.status)) return { url, res };
    await res.body?.cancel().catch(() => undefined);
    const location = res.headers.get('location');
    if (location === null) {
      throw fail(`archive server answered ${res.status} without a Location for ${displayUrl(url)}; check the URL`);
    }
    if (hop >= MAX_REDIRECTS) {
      throw fail(`archive download from ${displayUrl(start)} redirected more than ${MAX_REDIRECTS} times; give the final URL`);
    }
    url = parseUrl(location, url);
  }
}

export async function downloadArchive(rawUrl: string, opts: DownloadOptions): Promise<DownloadResult> {
  for (const key of ['maxBytes', 'timeoutMs'] as const) {
    if (!Number.isSafeInteger(opts[key]) || opts[key] <= 0) {
      throw fail(`archive download ${key} must be a positive integer, not ${String(opts[key])}; fix the download limits`);
    }
  }
  const allowed = new Set(opts.allowedHosts.map(parseAllowEntry));
  const expected = normaliseSha(opts.sha256);
  const start = parseUrl(rawUrl);
  checkUrl(start, allowed);

  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const doFetch = opts.fetch ?? fetch;
  let current = start;
  let file: Awaited<ReturnType<typeof open>> | undefined;
  let created = false;
  try {
    const { url, res } = await fetchAllowed(start, allowed, doFetch, signal);
    current = url;
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw fail(`archive server answered ${res.status} for ${displayUrl(url)}; check the URL and that the release exists`);
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw fail(`archive at ${displayUrl(url)} is ${declared} bytes, over the ${opts.maxBytes}-byte download cap; raise the cap or use a smaller archive`);
    }
    if (res.body === null) throw fail(`archive server sent no body for ${displayUrl(url)}; check the URL`);

    try {
      file = await open(opts.dest, 'wx', 0o600);
    } catch (err) {
      const code = errnoCode(err) ?? 'error';
      throw fail(`archive download target ${opts.dest} cannot be created (${code}); download into a fresh staging directory`);
    }
    created = true;
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of res.body) {
      bytes += chunk.byteLength;
      if (bytes > opts.maxBytes) {
        throw fail(`archive at ${displayUrl(url)} is over the ${opts.maxBytes}-byte download cap; raise the cap or use a smaller archive`);
      }
      hash.update(chunk);
      await writeAll(file, chunk);
    }
    await file.close();
    file = undefined;

    const sha256 = hash.digest('hex');
    if (expected !== undefined && sha256 !== expected) {
      throw new PackbotError(
        'archive_invalid',
        `archive from ${displayUrl(url)} has sha256 ${sha256}, not the expected ${expected}; check the digest or the URL`,
      );
    }
    return { path: opts.dest, bytes, sha256 };
  } catch (err) {
    await file?.close().catch(() => undefined);
    // Never remove a file this call did not create: `wx` refusing means it was someone else's.
    if (created) await rm(opts.dest, { force: true }).catch(() => undefined);
    throw describeFetchError(err, current, opts.timeoutMs, signal);
  }
}
