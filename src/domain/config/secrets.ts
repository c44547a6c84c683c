/**
 * The secret values a loaded config holds, handed to the masker so they never reach chat,
 * logs or history: credential fields by name, a Redis URL password, and anything `${VAR}`
 * substituted into a key that looks sensitive.
 */
import { urlPasswordSpellings } from '../../core/net/url-credentials.js';
import type { InterpolatedTree } from './interpolate.js';
import type { PackbotConfig } from './schema.js';

const SENSITIVE_KEY_RE = /token|secret|password|key/i;

/** Every field that holds a credential, by name (the one list; the masker derives more from it). */
export function credentialFields(config: PackbotConfig): Array<string | undefined> {
  const { slack, discord } = config.adapters;
  return [
    slack?.bot_token, slack?.user_token, slack?.app_token, slack?.signing_secret, discord?.token,
    ...Object.values(config.repositories).map((repo) => repo.token),
    config.server?.webhooks.github?.secret, config.server?.webhooks.bitbucket?.secret,
    config.server?.webhooks.gitlab?.token, config.server?.webhooks.gitlab?.signing_secret,
    ...Object.values(config.register.http?.headers ?? {}),
    ...Object.values(config.register.env),
    ...(config.store.kind === 'redis' ? urlPasswordSpellings(config.store.url) : []),
  ];
}

export function collectSecrets(config: PackbotConfig, substituted: InterpolatedTree['substituted']): string[] {
  const found = credentialFields(config);
  for (const s of substituted) {
    // The whole value and each substituted piece: "Bearer ${T}" must mask T wherever it appears.
    if (s.key !== undefined && SENSITIVE_KEY_RE.test(s.key)) found.push(s.value, ...s.pieces);
  }
  return [...new Set(found.filter((v): v is string => typeof v === 'string' && v.trim() !== ''))];
}
