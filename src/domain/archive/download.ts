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
 * Paths are not part of a host entry. To confine downloads to paths too, give `allowedPrefixes`
 * (registry.allowed_urls): then every hop, the first URL and each redirect, must also be under
 * one of them by core/net/url-policy's rule (dot segments resolved, path-segment boundaries),
 * and the normalised URL is what gets requested.
 *
 * Requests go through the fetch handed in (the app's own HTTP client) or a client made for
 * this download alone; never the process-wide dispatcher a dependency may have replaced.
 */
import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { errnoCode } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { writeAll } from './entry-writer.js';
import { displayUrl } from '../../core/net/urls.js';
import { hasUserinfo } from '../../core/net/url-credentials.js';
import { withFetch, type FetchLike } from '../../core/net/http-client.js';
import { checkAllowedUrl, describePrefixes, MAX_REDIRECTS, REDIRECT_STATUSES } from '../../core/net/url-policy.js';

export interface DownloadOptions {
  allowedHosts: readonly string[];
  /** URL prefixes every hop must also be under (see url-policy.ts); none = hosts alone decide. */
  allowedPrefixes?: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  /** Expected sha256 of the archive, 64 hex digits in either case. */
  sha256?: string;
  /** File to write; it must not exist yet (never clobbered, never followed if a symlink). */
  dest: string;
  fetch?: FetchLike;
  signal?: AbortSignal;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
}

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

interface Allowed {
  origins: ReadonlySet<string>;
  prefixes?: readonly string[] | undefined;
}

/** The URL to request for `url`, normalised, once it passes the origin and (when given) prefix rules. */
function checkUrl(url: URL, allowed: Allowed): URL {
  checkOrigin(url, allowed.origins);
  if (allowed.prefixes === undefined) return url;
  const checked = checkAllowedUrl(url, allowed.prefixes);
  if (!checked.ok) throw fail(`archive URL ${displayUrl(url)} is refused: ${checked.reason}; allowed prefixes: ${describePrefixes(allowed.prefixes)}`);
  return checked.url;
}

function checkOrigin(url: URL, allowed: ReadonlySet<string>): void {
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
  // fetch (ours, as undici's) puts the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`; its message may echo the URL.
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : 'network error';
  // "terminated" (core/net/http-client, as undici): the body stopped short of its Content-Length, or its framing broke.
  if (err instanceof TypeError && err.message === 'terminated') {
    return fail(`archive download from ${displayUrl(url)} failed (the connection closed before the whole archive arrived, ${code}); retry, or check the server`);
  }
  return fail(`archive download from ${displayUrl(url)} failed (${code}); check the URL and that the host is reachable`);
}

/** Resolves redirects by hand so that every hop is checked against the allow-list. */
async function fetchAllowed(
  start: URL,
  allowed: Allowed,
  doFetch: FetchLike,
  signal: AbortSignal,
): Promise<{ url: URL; res: Response }> {
  let url = start;
  for (let hop = 0; ; hop++) {
    url = checkUrl(url, allowed);
    // identity: the sha256 must be of the archive's own bytes, not of a transfer-decoded body.
    const res = await doFetch(url, { redirect: 'manual', signal, headers: { 'accept-encoding': 'identity' } });
    if (!REDIRECT_STATUSES.has(res.status)) return { url, res };
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
  const allowed: Allowed = { origins: new Set(opts.allowedHosts.map(parseAllowEntry)), prefixes: opts.allowedPrefixes };
  const expected = normaliseSha(opts.sha256);
  const start = checkUrl(parseUrl(rawUrl), allowed);
  return withFetch(opts.fetch, (doFetch) => download(start, allowed, expected, doFetch, opts));
}

async function download(start: URL, allowed: Allowed, expected: string | undefined, doFetch: FetchLike, opts: DownloadOptions): Promise<DownloadResult> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
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
