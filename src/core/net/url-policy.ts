/**
 * The one rule for "is this URL under an allowed prefix" (registry.allowed_urls, url_allowlist,
 * and every redirect of a download or index fetch).
 *
 * A URL is judged as it will be requested, not as it was written: fetch and git both resolve
 * `/../` (and its percent-encoded spellings `%2e%2e`, `.%2e`, …) before sending, so a raw
 * `startsWith` let `https://h/allowed/../anything` through to any path on an allowed host.
 * Here the URL is parsed by WHATWG rules (which resolve dot segments, encoded ones included),
 * and what a server might still decode into a traversal is refused outright: an encoded
 * slash or backslash (`%2f`, `%5c`), or a segment that decodes (even twice) to `.` or `..`.
 * Userinfo is refused: a token belongs in configuration, not in a URL from an index or chat.
 * A prefix matches on path-segment boundaries: `https://h/org` allows `https://h/org/x` and
 * `https://h/org.git`, never `https://h/org-evil/`.
 *
 * Callers fetch the `url` a successful check returns, so what was checked is what is fetched.
 */
import { hasUserinfo } from './url-credentials.js';
import { displayUrl } from './urls.js';

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** Percent-decodes until stable (bounded): a server that decodes twice must not see `..` either. */
function decodeFully(segment: string): string {
  let text = segment;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(text);
    } catch {
      return text;
    }
    if (next === text) return text;
    text = next;
  }
  return text;
}

/** Parses and normalises `raw` (a string or a URL already parsed), refusing what a server could still turn into a traversal. */
export function normaliseUrl(raw: string | URL): UrlCheck {
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    return { ok: false, reason: 'it is not a valid absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: `the ${url.protocol}// scheme is not allowed; use https` };
  if (hasUserinfo(url)) return { ok: false, reason: 'it carries credentials (user:password@); remove them from the URL' };
  for (const segment of url.pathname.split('/').slice(1)) {
    const decoded = decodeFully(segment);
    if (decoded.includes('/') || decoded.includes('\\')) return { ok: false, reason: 'its path has an encoded slash (%2f or %5c)' };
    if (decoded === '.' || decoded === '..') return { ok: false, reason: 'its path has an encoded dot segment (%2e)' };
  }
  return { ok: true, url };
}

export interface UrlPrefix {
  origin: string;
  /** Normalised path without a trailing slash ('' for the whole origin). */
  path: string;
  /** As configured, for messages. */
  written: string;
}

/** A configured prefix, normalised by the same rules as the URLs it is matched against; null if unusable. */
export function parsePrefix(written: string): UrlPrefix | null {
  const checked = normaliseUrl(written.trim());
  if (!checked.ok) return null;
  return { origin: checked.url.origin, path: checked.url.pathname.replace(/\/+$/, ''), written };
}

/** True when `url` (normalised) is the prefix itself, under it, or its `.git` spelling. */
export function underPrefix(url: URL, prefix: UrlPrefix): boolean {
  if (url.origin !== prefix.origin) return false;
  const p = url.pathname;
  if (prefix.path === '') return true;
  return p === prefix.path || p.startsWith(`${prefix.path}/`) || p === `${prefix.path}.git`;
}

/**
 * Checks `raw` against `prefixes`. On success the normalised URL to request; on failure one
 * reason, without the URL's query or credentials.
 */
export function checkAllowedUrl(raw: string | URL, prefixes: readonly string[]): UrlCheck {
  const checked = normaliseUrl(raw);
  if (!checked.ok) return checked;
  const parsed = prefixes.map(parsePrefix).filter((p): p is UrlPrefix => p !== null);
  if (parsed.some((p) => underPrefix(checked.url, p))) return checked;
  return { ok: false, reason: `${displayUrl(checked.url)} is not under any allowed prefix` };
}

/** The allowed prefixes, for the fix half of a one-line refusal. */
export function describePrefixes(prefixes: readonly string[]): string {
  return prefixes.length === 0 ? 'none are configured' : prefixes.join(', ');
}

/** Every redirect status fetch would follow. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** At most this many redirects per request, for downloads and index fetches alike. */
export const MAX_REDIRECTS = 5;
