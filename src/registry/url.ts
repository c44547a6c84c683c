/**
 * Index URLs may carry a token as userinfo or as `?token=`; every message, log line and
 * problem shows a URL through `displayUrl` so neither can leak into chat.
 */

/** scheme://host[:port]/path — no userinfo, query or fragment. Unparsable text shows as a placeholder. */
export function displayUrl(url: string): string {
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

/**
 * Repository identity for comparing a dependency's URL with an index's: host and path,
 * lowercase, without `.git`, a trailing slash, credentials or scheme, so
 * `git@github.com:X/y.git` and `https://github.com/x/y/` are the same repository.
 */
export function repoIdentity(url: string): string | null {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/\/)(.*)$/.exec(url);
  let host: string;
  let path: string;
  if (scp) {
    host = scp[1] ?? '';
    path = scp[2] ?? '';
  } else {
    try {
      const u = new URL(url);
      host = u.host;
      path = u.pathname;
    } catch {
      return null;
    }
  }
  path = path.replace(/[?#].*$/, '').replace(/\/+$/, '').replace(/\.git$/, '').replace(/^\/+/, '');
  return `${host}/${path}`.toLowerCase();
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
