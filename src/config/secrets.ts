/**
 * The secret values a loaded config holds, handed to the masker so they never reach chat,
 * logs or history: credential fields by name, a Redis URL password, and anything `${VAR}`
 * substituted into a key that looks sensitive.
 */
import type { InterpolatedTree } from './interpolate.js';
import type { PackbotConfig } from './schema.js';

const SENSITIVE_KEY_RE = /token|secret|password|key/i;

export function collectSecrets(config: PackbotConfig, substituted: InterpolatedTree['substituted']): string[] {
  const found: Array<string | undefined> = [];
  const { slack, discord } = config.adapters;
  found.push(slack?.bot_token, slack?.app_token, slack?.signing_secret, discord?.token);
  for (const repo of Object.values(config.repositories)) found.push(repo.token);
  found.push(...Object.values(config.register.http?.headers ?? {}));
  if (config.store.kind === 'redis') found.push(...redisPassword(config.store.url));
  for (const s of substituted) {
    // The whole value and each substituted piece: "Bearer ${T}" must mask T wherever it appears.
    if (s.key !== undefined && SENSITIVE_KEY_RE.test(s.key)) found.push(s.value, ...s.pieces);
  }
  return [...new Set(found.filter((v): v is string => typeof v === 'string' && v.trim() !== ''))];
}

/** The password as written (percent-encoded) and as sent. */
function redisPassword(url: string): string[] {
  try {
    const password = new URL(url).password;
    return password === '' ? [] : [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}
