/**
 * Credentials in the environment packbot runs in, registered at config load so every exit
 * masks them: pip, npm and git run with parts of this environment, and print what they were
 * given when they fail (pip shows `?private_token=…` in "Looking in indexes", npm its registry).
 * Found by name (`DB_PASSWORD`, `npm_config_//host/:_authToken`) and by shape (a URL with
 * userinfo or a `?token=` in any variable, `//host/:_authToken=…` lines).
 */
import { MIN_CONFIG_SECRET_LENGTH } from '../../core/masking/mask.js';
import { isCredentialName, queryCredentials } from './credential-values.js';
import type { Env } from './interpolate.js';

// npm reads `npm_config_<key>` from the environment; `_authToken`, `_auth` (base64 user:pass)
// and `_password` (base64) are its credentials, alone or scoped (`//registry.example/:_authToken`).
// (`npm_config_always_auth` is a flag, not a credential: the key itself starts with `_`.)
const NPM_CREDENTIAL_KEY = /^npm_config_(?:|.*:)_(?:authtoken|auth|password)$/i;
const NPMRC_LINE = /:_(?:authToken|auth|password)=([^\s"']+)/g;
const URL_WORD = /[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s"'<>]+/g;

export function environmentSecrets(env: Env): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.trim() === '') continue;
    if (NPM_CREDENTIAL_KEY.test(name)) found.push(value, ...npmDecoded(name, value));
    else if (isCredentialName(name) && value.trim().length >= MIN_CONFIG_SECRET_LENGTH) found.push(value);
    for (const m of value.matchAll(NPMRC_LINE)) found.push(m[1]!);
    // PIP_EXTRA_INDEX_URL and PIP_FIND_LINKS hold several URLs, separated by spaces.
    for (const m of value.matchAll(URL_WORD)) found.push(...urlCredentials(m[0]));
  }
  return [...new Set(found.filter((v) => v.trim() !== ''))];
}

/** `_auth` is base64(user:password), `_password` base64(password): the decoded forms leak too. */
function npmDecoded(name: string, value: string): string[] {
  if (/_authtoken$/i.test(name)) return [];
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (Buffer.from(decoded, 'utf8').toString('base64').replace(/=+$/, '') !== value.replace(/=+$/, '')) return [];
  const colon = decoded.indexOf(':');
  return colon > 0 ? [decoded, decoded.slice(colon + 1)] : [decoded];
}

/**
 * A URL's password (as written and decoded), its user name when it stands alone as a token
 * (`https://TOKEN@host`, `https://TOKEN:@host`, as Gemfury and others take it), and query credentials.
 */
function urlCredentials(text: string): string[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [];
  }
  const out = queryCredentials(text);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  if (url.password !== '') out.push(url.password, decode(url.password));
  // A lone user name is a login (`ssh://git@host`) except over http, where it is how tokens are passed.
  else if (/^https?:$/.test(url.protocol) && decode(url.username).length >= MIN_CONFIG_SECRET_LENGTH) out.push(url.username, decode(url.username));
  return out;
}
