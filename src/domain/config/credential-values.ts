/**
 * Credentials inside a value rather than the value itself: the token in a header value
 * ("Bearer T", "token T", "Basic base64(user:pass)") and the values of query parameters named
 * like credentials (`?api_key=…`). Pure text functions, shared by config and environment secrets.
 */

const SCHEME_WORD = /^(?:bearer|basic|token|bot|digest|apikey|api-key)$/i;

/** "Bearer T" → T; "Basic base64(u:p)" → also p and u:p. */
export function headerCredentials(value: string): string[] {
  const words = value.trim().split(/\s+/);
  if (words.length !== 2 || !SCHEME_WORD.test(words[0]!)) return [];
  const credential = words[1]!;
  const out = [credential];
  if (/^basic$/i.test(words[0]!)) {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0 && Buffer.from(decoded, 'utf8').toString('base64').replace(/=+$/, '') === credential.replace(/=+$/, '')) {
      out.push(decoded, decoded.slice(colon + 1));
    }
  }
  return out;
}

const SENSITIVE_PARAM = /token|secret|password|passwd|key|auth|sig/i;

/** Values of query parameters named like credentials (`?api_key=…`, `&access_token=…`). */
export function queryCredentials(url: string): string[] {
  try {
    return [...new URL(url).searchParams].filter(([name, value]) => SENSITIVE_PARAM.test(name) && value !== '').map(([, value]) => value);
  } catch {
    return [];
  }
}

/** Last words that name where a credential lives, or whose it is, rather than the credential. */
const NOT_THE_VALUE = new Set(['url', 'uri', 'host', 'port', 'file', 'path', 'dir', 'sock', 'name', 'user', 'username', 'type']);
const CREDENTIAL_WORD = /^(?:[a-z0-9]*token|[a-z0-9]*secret|[a-z0-9]*password|passwd|auth|authorization|credentials?|apikey)$/;
const KEY_KINDS = new Set(['api', 'access', 'private', 'secret', 'signing', 'master', 'encryption']);

/**
 * A name that says its value is a credential (`ST2_API_KEY`, `DB_PASSWORD`, `X-Auth-Token`,
 * `npm_config_//host/:_authToken`), but not one that names where a credential lives
 * (`ST2_AUTH_URL`, `TOKEN_FILE`, `SSH_AUTH_SOCK`) nor a word that merely contains one (`GIT_AUTHOR_NAME`).
 */
export function isCredentialName(name: string): boolean {
  const words = name.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (words.length === 0 || NOT_THE_VALUE.has(words[words.length - 1]!)) return false;
  return words.some((w, i) => CREDENTIAL_WORD.test(w)
    || (w === 'key' && KEY_KINDS.has(words[i - 1] ?? ''))
    // DB_PWD is a password; PWD alone is the shell's working directory.
    || (w === 'pwd' && i > 0));
}
