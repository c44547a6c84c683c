/**
 * URLs shown and compared safely. A URL may carry a token as userinfo or as `?token=`; every
 * message, log line and problem shows one through `displayUrl` so neither can leak into chat.
 */

/** scheme://host[:port]/path — no userinfo, query or fragment. Unparsable text shows as a placeholder. */
export function displayUrl(url: string | URL): string {
  if (url instanceof URL) return url.protocol === 'file:' ? `file://${url.pathname}` : `${url.protocol}//${url.host}${url.pathname}`;
  try {
    const u = new URL(url);
    if (u.protocol === 'file:') return `file://${u.pathname}`;
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    const scp = /^[\w.-]+@([\w.-]+):(.*)$/.exec(url);
    if (scp) return `${scp[1]}:${(scp[2] ?? '').replace(/[?#].*$/, '')}`;
    return '<unparsable URL>';
  }
}

/** Removes every spelling of the URL's secrets from `text` (error messages can echo a URL). */
export function scrubUrl(text: string, url: string): string {
  let out = text.split(url).join(displayUrl(url));
  try {
    const u = new URL(url);
    const secrets = [u.username, u.password, u.search.slice(1), ...[...u.searchParams.values()]].filter((s) => s.length >= 3);
    for (const s of secrets) {
      for (const spelling of new Set([s, safeDecode(s)])) out = out.split(spelling).join('***');
    }
  } catch {
    // Not a URL: nothing structured to remove beyond the literal replacement above.
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/;

/**
 * A repository's identity for comparing URLs: providers and configs name one repository several
 * ways (https clone URL, ssh, scp-like, web page), so all reduce to `host/path` — no scheme,
 * user, port, query or `.git`, lower case; local repositories to `file:/path`. Null if unreadable.
 * `git@GitHub.com:Acme/Packs.git` and `https://github.com/acme/packs/` → `github.com/acme/packs`.
 */
export function repoIdentity(raw: string): string | null {
  const value = raw.trim();
  if (value === '') return null;
  let host: string;
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return null;
    }
    // Local repositories (tests, single-host setups) are named by their path alone.
    host = url.protocol === 'file:' ? 'file:' : url.hostname;
    path = decodeURIComponent(url.pathname);
  } else {
    const scp = SCP_LIKE.exec(value);
    if (scp) {
      host = scp[1] ?? '';
      path = scp[2] ?? '';
    } else if (value.startsWith('/')) {
      host = 'file:';
      path = value;
    } else {
      return null;
    }
  }
  const cleaned = path.replace(/\/+$/, '').replace(/\.git$/i, '').replace(/^\/+/, '').replace(/\/{2,}/g, '/');
  if (cleaned === '' || host === '') return null;
  return `${host}/${cleaned}`.toLowerCase();
}
