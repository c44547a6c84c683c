/**
 * A repository's URL as packbot.yaml gives it. The URL ends up in a git argv, so anything git
 * could read as an option (`-u x`), a remote helper (`ext::sh -c …`) or a credential is
 * refused here, at load time, with a message that never repeats a secret.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const GIT_URL_WANTED = 'a git URL (https://, ssh://, git@host:path or a local path)';
export const GIT_URL_HINT = `expected ${GIT_URL_WANTED}`;

export type GitUrlCheck =
  | { ok: true; kind: 'url' | 'scp' | 'local' }
  | { ok: false; reason: string; credentials?: boolean; inQuery?: boolean };

const SCHEMES = new Set(['https:', 'http:', 'ssh:', 'git:', 'file:']);
// git's own rule (transport.c): scheme chars then "::" selects a remote helper, e.g. ext::.
const HELPER_RE = /^[A-Za-z][A-Za-z0-9+.-]*::/;
const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
// Whitespace, C0/C1 controls and DEL: none belong in a URL and some would split an argv or a log line.
const BAD_CHAR_RE = /[\s\u0000-\u001f\u007f-\u009f]/;
// Host must not start with "-": ssh would read "git@-oProxyCommand=…:x" as an option (CVE-2017-1000117).
const SCP_RE = /^[A-Za-z0-9._~][A-Za-z0-9._~-]*@(?:[A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\]):(?!\/\/).+$/;
// "user:secret@host:path" written scp-style: the part before "@" holds a colon.
const SCP_CREDENTIALS_RE = /^[^/@]*:[^/@]*@/;
// Checked on the raw text, before URL parsing, so even an unparseable URL is never echoed.
const URL_PASSWORD_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@]*:[^/?#@]*@/;
const HTTP_USERINFO_RE = /^https?:\/\/[^/?#]*@/i;

/** Classifies a repo URL, or explains why it is refused. */
export function checkGitUrl(raw: string): GitUrlCheck {
  if (raw.trim() === '') return { ok: false, reason: 'it is empty' };
  if (raw.startsWith('-')) return { ok: false, reason: 'a leading "-" would be read as a git option' };
  if (HELPER_RE.test(raw)) return { ok: false, reason: '"<transport>::" remote helpers (like ext::) can run commands' };
  const scheme = SCHEME_RE.exec(raw);
  if (scheme) return checkSchemeUrl(raw, `${(scheme[1] ?? '').toLowerCase()}:`);
  if (SCP_CREDENTIALS_RE.test(raw)) return credentials();
  if (BAD_CHAR_RE.test(raw)) return { ok: false, reason: 'it contains whitespace or control characters' };
  if (raw.startsWith('/') || raw.startsWith('./') || raw.startsWith('../') || raw === '.' || raw === '..') {
    return { ok: true, kind: 'local' };
  }
  if (SCP_RE.test(raw)) return { ok: true, kind: 'scp' };
  if (/^[^@]*@-/.test(raw)) return { ok: false, reason: 'a host starting with "-" would be read as an ssh option' };
  return { ok: false, reason: 'write a local path as ./dir, ../dir or /abs/dir' };
}

function checkSchemeUrl(raw: string, scheme: string): GitUrlCheck {
  // https://token@host is how tokens are usually pasted; ssh://git@host is a normal login name.
  if (URL_PASSWORD_RE.test(raw) || HTTP_USERINFO_RE.test(raw)) return credentials();
  if (!SCHEMES.has(scheme)) return { ok: false, reason: `the ${scheme.slice(0, -1)}:// scheme is not allowed` };
  if (BAD_CHAR_RE.test(raw)) return { ok: false, reason: 'it contains whitespace or control characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'it is not a valid URL' };
  }
  if (url.password !== '' || (url.username !== '' && (scheme === 'https:' || scheme === 'http:'))) {
    return credentials();
  }
  // git appends its own paths (`/info/refs?service=…`) and prints the URL in its errors, so a
  // `?private_token=…` would be sent nowhere useful and shown everywhere; nor can packbot tell
  // a token from an innocent parameter, so any query is refused (without echoing it).
  if ((scheme === 'https:' || scheme === 'http:') && url.search !== '') {
    return { ok: false, reason: 'it has a query string (?…), which git would print in its errors', credentials: true, inQuery: true };
  }
  if (scheme !== 'file:' && url.hostname === '') return { ok: false, reason: 'it has no host' };
  if (url.hostname.startsWith('-') || url.username.startsWith('-')) {
    return { ok: false, reason: 'a host or user starting with "-" would be read as an ssh option' };
  }
  if (scheme === 'file:' && url.pathname.length <= 1) return { ok: false, reason: 'it has no path' };
  return { ok: true, kind: 'url' };
}

function credentials(): GitUrlCheck {
  return { ok: false, reason: 'it contains credentials', credentials: true };
}

/** Turns an accepted repo value into the URL git is given: local paths become file:// URLs. */
export function normalizeGitUrl(raw: string, baseDir: string): string {
  const check = checkGitUrl(raw);
  if (check.ok && check.kind === 'local') return pathToFileURL(resolve(baseDir, raw)).href;
  return raw;
}
