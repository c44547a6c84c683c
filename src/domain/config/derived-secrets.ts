/**
 * Secrets in packbot's own config beyond the credential fields config/secrets.ts lists, derived
 * from the parsed config alone: the credential inside a header value ("Bearer T", "token T",
 * "Basic base64(user:pass)"), and the password or `?api_key=` in the register hook's URL.
 */
import { urlPasswordSpellings } from '../../core/net/url-credentials.js';
import type { PackbotConfig } from './index.js';
import { credentialFields } from './secrets.js';

const SCHEME_WORD = /^(?:bearer|basic|token|bot|digest|apikey|api-key)$/i;

export function configSecrets(config: PackbotConfig): string[] {
  const found = credentialFields(config);
  const http = config.register.http;
  for (const value of Object.values(http?.headers ?? {})) found.push(...headerCredentials(value));
  if (http) found.push(...urlPasswordSpellings(http.url), ...queryCredentials(http.url));
  return [...new Set(found.filter((v): v is string => typeof v === 'string' && v.trim() !== ''))];
}

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
