/**
 * Credentials written into a URL's userinfo (`https://user:token@host`): whether a URL has
 * any, and every spelling of its password for the masker (as written, percent-encoded, and
 * as sent, decoded).
 */

/** True when the URL names a user or a password. */
export function hasUserinfo(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

/** The password as written and as sent; none when there is none or the text is not a URL. */
export function urlPasswordSpellings(url: string): string[] {
  try {
    const password = new URL(url).password;
    return password === '' ? [] : [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}
