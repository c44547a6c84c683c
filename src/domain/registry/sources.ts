/**
 * Reading the configured pack indexes, first = highest priority.
 *
 * A source that can't be read is skipped with a problem, as st2's fetch_pack_index skips an
 * unresponsive index so mirrors keep working — unless it says `fail_closed: true`, which is
 * Attune's rule: falling through to a lower-priority index could install a *different* pack
 * of the same name, so an unreadable index it can't vouch for stops everything instead.
 *
 * Messages name an index by its `name` or its URL without credentials or query: tokens in
 * index URLs are common (raw.githubusercontent.com?token=…) and problems reach chat.
 *
 * Redirects are followed by hand, at most MAX_REDIRECTS, each re-checked by url-policy's rule:
 * it may stay on the index's own origin or go under registry.allowed_urls, nowhere else (an
 * index decides what gets installed, so where it comes from matters as much as an archive).
 * Credentials go only to the index's own origin.
 */
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { errnoCode, errorMessage } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { parseIndex, type IndexFormat, type RegistryPack } from './index-format.js';
import { displayUrl, scrubUrl } from '../../core/net/urls.js';
import { hasUserinfo } from '../../core/net/url-credentials.js';
import { withFetch, type FetchLike } from '../../core/net/http-client.js';
import { checkAllowedUrl, MAX_REDIRECTS, REDIRECT_STATUSES } from '../../core/net/url-policy.js';
import { deadline, type Deadline } from '../../core/timeout.js';

export interface IndexSource {
  name?: string;
  /** http(s) or file: URL. */
  url?: string;
  /** A path; the same as a file: URL. */
  file?: string;
  fail_closed?: boolean;
}

export interface LoadedIndex {
  /** How messages name it: the configured name, else its location. */
  label: string;
  /** 1 = consulted first. */
  priority: number;
  /** URL without credentials or query, or the file path. */
  location: string;
  format: IndexFormat;
  packs: ReadonlyMap<string, RegistryPack>;
  warnings: readonly string[];
}

export type { FetchLike };

export interface LoadOptions {
  /** The app's HTTP client; without one, a client is made for this load and closed after. */
  fetch?: FetchLike;
  /** Where else a redirect may lead besides the index's own origin (registry.allowed_urls). */
  allowedUrls?: readonly string[];
  /** For the whole request, body included. */
  timeoutMs: number;
  maxBytes: number;
  readFile?: (path: string) => Promise<Uint8Array | string>;
}

export interface LoadResult {
  /** Readable indexes, in priority order. */
  indexes: LoadedIndex[];
  /** Sources skipped, one line each with every reason. */
  problems: string[];
  /** Versions and packs dropped from otherwise usable indexes. */
  warnings: string[];
}

/** A reason fit to show: already free of the URL's secrets. */
class ReadFailure extends Error {}

export async function loadIndexes(sources: readonly IndexSource[], opts: LoadOptions): Promise<LoadResult> {
  // Fetched together, judged in order: a slow low-priority mirror needn't delay the rest.
  const outcomes = await withFetch(opts.fetch, (fetch) => Promise.all(sources.map((source) => readSource(source, { ...opts, fetch }))));
  const result: LoadResult = { indexes: [], problems: [], warnings: [] };
  outcomes.forEach((outcome, i) => {
    const source = sources[i] as IndexSource;
    const priority = i + 1;
    const location = locationOf(source);
    const label = source.name === undefined || source.name.trim() === '' ? location : JSON.stringify(source.name);
    const what = `the index ${label} (priority ${priority}${source.fail_closed === true ? ', fail_closed' : ''})`;
    let reasons: string[];
    if (outcome.ok) {
      const parsed = parseIndex(outcome.json);
      if (parsed.errors.length === 0 && parsed.format !== null) {
        result.indexes.push({ label, priority, location, format: parsed.format, packs: parsed.packs, warnings: parsed.warnings });
        result.warnings.push(...parsed.warnings.map((w) => `${label}: ${w}`));
        return;
      }
      reasons = parsed.errors;
    } else {
      reasons = [outcome.reason];
    }
    if (source.fail_closed === true) {
      const summary = reasons.length === 1 ? reasons[0] : `it is not a valid index (${reasons.length} problems, listed below)`;
      throw new PackbotError('registry_unreachable', `${what} could not be read: ${summary}; fix it or set fail_closed: false`, {
        details: reasons.length === 1 ? [] : reasons,
      });
    }
    result.problems.push(`${what} could not be read and was skipped: ${reasons.join('; ')}`);
  });
  return result;
}

function locationOf(source: IndexSource): string {
  if (source.url !== undefined) return displayUrl(source.url);
  return source.file ?? '<no url or file>';
}

type Outcome = { ok: true; json: unknown } | { ok: false; reason: string };

async function readSource(source: IndexSource, opts: LoadOptions): Promise<Outcome> {
  try {
    const bytes = await readBytes(source, opts);
    const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8').decode(bytes);
    try {
      return { ok: true, json: JSON.parse(text) as unknown };
    } catch (err) {
      return { ok: false, reason: `not valid JSON (${errorMessage(err)})` };
    }
  } catch (err) {
    if (err instanceof ReadFailure) return { ok: false, reason: err.message };
    // Unexpected: keep the kind, never the text, which could quote the URL.
    return { ok: false, reason: `unexpected ${err instanceof Error ? err.name : typeof err}` };
  }
}

async function readBytes(source: IndexSource, opts: LoadOptions): Promise<Uint8Array | string> {
  if ((source.url === undefined) === (source.file === undefined)) throw new ReadFailure('give exactly one of url and file');
  if (source.file !== undefined) return readLocal(source.file, opts);
  let url: URL;
  try {
    url = new URL(source.url as string);
  } catch {
    throw new ReadFailure('the url is not a valid URL');
  }
  if (url.protocol === 'file:') return readLocal(fileURLToPath(url), opts);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ReadFailure(`${url.protocol}// URLs are not allowed; use https, http or file`);
  return readHttp(url, source.url as string, opts);
}

async function readLocal(path: string, opts: LoadOptions): Promise<Uint8Array | string> {
  try {
    if (opts.readFile) return checkSize(await opts.readFile(path), opts.maxBytes);
    const size = (await stat(path)).size;
    if (size > opts.maxBytes) throw new ReadFailure(tooLarge(opts.maxBytes, size));
    return await readFile(path);
  } catch (err) {
    if (err instanceof ReadFailure) throw err;
    const code = errnoCode(err);
    throw new ReadFailure(code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? 'error'})`);
  }
}

function checkSize(data: Uint8Array | string, maxBytes: number): Uint8Array | string {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  if (size > maxBytes) throw new ReadFailure(tooLarge(maxBytes, size));
  return data;
}

const tooLarge = (max: number, size?: number): string => `larger than the ${max}-byte limit${size === undefined ? '' : ` (${size} bytes)`}`;

async function readHttp(url: URL, written: string, opts: LoadOptions): Promise<Uint8Array> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const target = new URL(url);
  // fetch refuses URLs with userinfo; send it the way a browser would, as Basic auth.
  if (hasUserinfo(target)) {
    const user = decodeURIComponent(target.username);
    const pass = decodeURIComponent(target.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  const limit = deadline(opts.timeoutMs);
  try {
    const res = await followRedirects(target, headers, opts, limit.signal);
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new ReadFailure(`HTTP ${res.status}${res.statusText === '' ? '' : ` ${res.statusText}`}`);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      limit.abort();
      throw new ReadFailure(tooLarge(opts.maxBytes, declared));
    }
    return await readBody(res, opts.maxBytes, limit);
  } catch (err) {
    if (err instanceof ReadFailure) throw err;
    if (limit.timedOut()) throw new ReadFailure(`no complete answer within ${opts.timeoutMs} ms`);
    throw new ReadFailure(networkReason(err, written));
  } finally {
    limit.clear();
  }
}

/** GETs `start`, following each redirect only where url-policy allows it (see the header). */
async function followRedirects(start: URL, headers: Record<string, string>, opts: LoadOptions, signal: AbortSignal): Promise<Response> {
  const doFetch = opts.fetch as FetchLike;
  const allowed = [`${start.origin}/`, ...(opts.allowedUrls ?? [])];
  let url = start;
  for (let hop = 0; ; hop++) {
    const sameOrigin = url.origin === start.origin;
    const send = sameOrigin ? headers : { accept: headers['accept'] ?? 'application/json' };
    const res = await doFetch(url, { headers: send, signal, redirect: 'manual' });
    if (!REDIRECT_STATUSES.has(res.status)) return res;
    await res.body?.cancel().catch(() => undefined);
    const location = res.headers.get('location');
    if (location === null) throw new ReadFailure(`HTTP ${res.status} without a Location`);
    if (hop >= MAX_REDIRECTS) throw new ReadFailure(`redirected more than ${MAX_REDIRECTS} times; configure the final URL`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new ReadFailure(`HTTP ${res.status} to an unreadable Location`);
    }
    const checked = checkAllowedUrl(next, allowed);
    if (!checked.ok) {
      throw new ReadFailure(`redirected to ${displayUrl(next)}, which is refused (${checked.reason}); only the index's own origin and registry.allowed_urls may be redirected to`);
    }
    url = checked.url;
  }
}

/** Counts while reading: Content-Length can be absent or wrong (chunked, compressed). */
async function readBody(res: Response, maxBytes: number, limit: Deadline): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body === null) return new Uint8Array();
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      limit.abort();
      throw new ReadFailure(tooLarge(maxBytes));
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function networkReason(err: unknown, url: string): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return `network error (${cause.code})`;
  const message = cause && typeof cause.message === 'string' ? cause.message : errorMessage(err);
  return `network error (${scrubUrl(message, url)})`;
}
