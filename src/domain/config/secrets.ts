/**
 * The secret values a loaded config holds, handed to the masker so they never reach chat,
 * logs or history: credential fields by name (each with the key it sits under, so config load
 * can refuse one too short to mask), what is derived from them (a header's token, a URL's
 * password), `register.env` values, anything `${VAR}` substituted into a key that looks
 * sensitive, and the credentials of the environment packbot and its tools run in.
 */
import { MIN_CONFIG_SECRET_LENGTH } from '../../core/masking/mask.js';
import { urlPasswordSpellings } from '../../core/net/url-credentials.js';
import { headerCredentials, isCredentialName, queryCredentials } from './credential-values.js';
import { environmentSecrets } from './env-secrets.js';
import type { Env, InterpolatedTree, PathSegment } from './interpolate.js';
import type { PackbotConfig } from './schema.js';

const SENSITIVE_KEY_RE = /token|secret|password|key/i;

export interface SecretEntry {
  path: PathSegment[];
  value: string;
  /** How the value relates to the key, for messages: the key's value, or a credential inside it. */
  within?: 'header' | 'url';
  /** False for values registered only in case (a header that names no credential): never refused for length. */
  credential: boolean;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Every credential packbot.yaml holds, with its key. Reads plain data, so the same list serves the
 * raw tree (crosscheck.ts, where a broken neighbour must not hide a problem) and the parsed config.
 */
export function credentialEntries(root: unknown): SecretEntry[] {
  const tree = obj(root);
  const out: SecretEntry[] = [];
  const field = (path: PathSegment[], value: unknown) => {
    const s = str(value);
    if (s !== undefined) out.push({ path, value: s, credential: true });
  };
  const slack = obj(obj(tree['adapters'])['slack']);
  for (const key of ['bot_token', 'user_token', 'app_token', 'signing_secret']) field(['adapters', 'slack', key], slack[key]);
  field(['adapters', 'discord', 'token'], obj(obj(tree['adapters'])['discord'])['token']);
  for (const [name, repo] of Object.entries(obj(tree['repositories']))) field(['repositories', name, 'token'], obj(repo)['token']);
  const webhooks = obj(obj(tree['server'])['webhooks']);
  field(['server', 'webhooks', 'github', 'secret'], obj(webhooks['github'])['secret']);
  field(['server', 'webhooks', 'bitbucket', 'secret'], obj(webhooks['bitbucket'])['secret']);
  field(['server', 'webhooks', 'gitlab', 'token'], obj(webhooks['gitlab'])['token']);
  field(['server', 'webhooks', 'gitlab', 'signing_secret'], obj(webhooks['gitlab'])['signing_secret']);

  const register = obj(tree['register']);
  const http = obj(register['http']);
  for (const [name, value] of Object.entries(obj(http['headers']))) {
    const s = str(value);
    if (s === undefined) continue;
    const path = ['register', 'http', 'headers', name];
    // Every header value is masked (they usually carry a key); only a credential is held to the length rule.
    const inside = headerCredentials(s);
    out.push({ path, value: s, credential: isCredentialName(name) && inside.length === 0 });
    out.push(...inside.map((value) => ({ path, value, within: 'header' as const, credential: true })));
  }
  const url = str(http['url']);
  if (url !== undefined) {
    const path = ['register', 'http', 'url'];
    out.push(...[...urlPasswordSpellings(url), ...queryCredentials(url)].map((value) => ({ path, value, within: 'url' as const, credential: true })));
  }
  const st2 = obj(register['st2']);
  for (const key of ['api_key', 'auth_token']) field(['register', 'st2', key], st2[key]);
  // Passed to hooks on purpose; a value whose name says it is a credential is one.
  for (const [name, value] of Object.entries(obj(register['env']))) {
    if (isCredentialName(name)) field(['register', 'env', name], value);
  }
  const store = obj(tree['store']);
  const storeUrl = str(store['url']);
  if (store['kind'] === 'redis' && storeUrl !== undefined) {
    out.push(...urlPasswordSpellings(storeUrl).map((value) => ({ path: ['store', 'url'], value, within: 'url' as const, credential: true })));
  }
  return out;
}

/** Credentials too short to mask (a 5-character token would blank out ordinary words), one per key. */
export function shortSecretProblems(root: unknown): Array<{ path: PathSegment[]; message: string }> {
  const seen = new Set<string>();
  const problems: Array<{ path: PathSegment[]; message: string }> = [];
  for (const entry of credentialEntries(root)) {
    const length = entry.value.trim().length;
    // Empty is the schema's complaint ("is required").
    if (!entry.credential || length === 0 || length >= MIN_CONFIG_SECRET_LENGTH) continue;
    const key = JSON.stringify(entry.path);
    if (seen.has(key)) continue;
    seen.add(key);
    const what = entry.within === 'header' ? 'holds a credential' : entry.within === 'url' ? 'holds a password or token' : 'is a secret';
    problems.push({
      path: entry.path,
      message: `${what} shorter than ${MIN_CONFIG_SECRET_LENGTH} characters, too short to mask in chat and logs; use a longer one`,
    });
  }
  return problems;
}

export function collectSecrets(config: PackbotConfig, substituted: InterpolatedTree['substituted'], env: Env = {}): string[] {
  const found = credentialEntries(config).map((e) => e.value);
  for (const s of substituted) {
    // The whole value and each substituted piece: "Bearer ${T}" must mask T wherever it appears.
    if (s.key !== undefined && SENSITIVE_KEY_RE.test(s.key)) found.push(s.value, ...s.pieces);
    // register.env values from the environment are handed to hooks: masked in their output too.
    // (Short ones are left alone: `DEBUG: ${DEBUG}` would otherwise mask every "1".)
    else if (isRegisterEnv(s.path)) found.push(...[s.value, ...s.pieces].filter((v) => v.trim().length >= MIN_CONFIG_SECRET_LENGTH));
  }
  found.push(...environmentSecrets(env));
  return [...new Set(found.filter((v) => v.trim() !== ''))];
}

const isRegisterEnv = (path: readonly PathSegment[]): boolean => path.length === 3 && path[0] === 'register' && path[1] === 'env';
