/**
 * `register.st2`: tells StackStorm about packs that just went live, the way `st2 pack register`
 * does — one `POST <api>/v1/packs/register` with the pack refs, StackStorm's `PacksRegister`
 * body (packs, types when configured, fail_on_failure) and one credential header (St2-Api-Key
 * or X-Auth-Token). StackStorm reads the packs from its packs directory, which is packbot's
 * packs_dir. Its answer is read at the boundary (st2-answer.ts): the counts per resource type,
 * or one line saying what failed and what to check.
 *
 * Through packbot's own HTTP client (core/net/http-client), never the global fetch; no
 * redirects are followed (the credential would go with them). The credential is a config
 * secret, so the masker knows it; every message is masked all the same before it leaves.
 */
import { errnoCode } from '../../core/caught.js';
import { formatDuration } from '../../core/duration.js';
import { PackbotError } from '../../core/errors.js';
import type { Masker } from '../../core/masking/masker.js';
import { withFetch, type FetchLike } from '../../core/net/http-client.js';
import { displayUrl } from '../../core/net/urls.js';
import { normaliseUrl, REDIRECT_STATUSES } from '../../core/net/url-policy.js';
import type { PackbotConfig } from '../../domain/config/index.js';
import { failureMessage, notCountsMessage, registerCountsSchema, type AnswerContext } from './st2-answer.js';
import type { RegisterCounts } from './types.js';

type St2Config = NonNullable<PackbotConfig['register']['st2']>;

export interface St2Deps {
  config: PackbotConfig;
  masker: Masker;
  fetch?: FetchLike;
}

// Counts are a few dozen bytes; an error a few hundred. More is not StackStorm's answer.
const MAX_ANSWER_BYTES = 256 * 1024;

/** `<base>/v1/packs/register`, normalised as url-policy judges URLs; the base as shown. */
function endpointOf(st2: St2Config): { url: URL; base: string } {
  const base = new URL(st2.url);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/v1/packs/register`;
  const checked = normaliseUrl(base);
  const shown = displayUrl(st2.url).replace(/\/+$/, '');
  if (!checked.ok) throw new PackbotError('hook_failed', `register.st2.url ${shown} cannot be used: ${checked.reason}`);
  return { url: checked.url, base: shown };
}

/** The body as text, or null past the cap (the read is cancelled, the socket freed). */
async function boundedText(response: Response): Promise<string | null> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Where a redirect points, without its query or credentials. */
function shownLocation(location: string, from: URL): string {
  try {
    return displayUrl(new URL(location, from));
  } catch {
    return 'an unreadable address';
  }
}

/** Why the request got no answer, as a person checking the setup needs it. */
function unreachable(err: unknown, ctx: AnswerContext, timeout: { ms: number; key: string }): string {
  const reason = (err as { name?: unknown } | null)?.name === 'TimeoutError' ? 'timeout' : errnoCode((err as { cause?: unknown } | null)?.cause) ?? '';
  if (reason === 'timeout') {
    return `StackStorm at ${ctx.base} did not answer within ${formatDuration(timeout.ms)} (${timeout.key}): registering many packs takes a while; raise it, or check st2api's log`;
  }
  const what: Record<string, string> = {
    ECONNREFUSED: 'connection refused', ENOTFOUND: 'host not found', EAI_AGAIN: 'host not found (DNS)', ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable', ETIMEDOUT: 'connect timed out', CERT_HAS_EXPIRED: 'its TLS certificate has expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed', UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
  };
  const said = what[reason] ?? (reason || ((err as { cause?: unknown })?.cause instanceof Error ? ((err as { cause: Error }).cause.message) : String(err)));
  return `cannot reach StackStorm at ${ctx.base} (${said}): is st2api running there, and is register.st2.url right?`;
}

/**
 * Registers `packs` with StackStorm; resolves to its counts per resource type, or throws a
 * PackbotError('hook_failed') whose one-line message says what failed and what to check.
 */
export async function registerWithSt2(packs: readonly string[], deps: St2Deps): Promise<RegisterCounts> {
  const st2 = deps.config.register.st2;
  if (!st2) return {};
  const { url, base } = endpointOf(st2);
  const credential = st2.api_key !== undefined ? 'api_key' : 'auth_token';
  const ctx: AnswerContext = { base, endpoint: displayUrl(url), credential, packs };
  const timeout = st2.timeout !== undefined ? { ms: st2.timeout, key: 'register.st2.timeout' } : { ms: deps.config.timeouts.hook, key: 'timeouts.hook' };
  const fail = (message: string): never => {
    throw new PackbotError('hook_failed', deps.masker.mask(message));
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (st2.api_key !== undefined) headers['St2-Api-Key'] = st2.api_key;
  else if (st2.auth_token !== undefined) headers['X-Auth-Token'] = st2.auth_token;
  const body = JSON.stringify({ packs: [...packs], ...(st2.types ? { types: st2.types } : {}), fail_on_failure: st2.fail_on_failure });

  return withFetch(deps.fetch, async (fetch) => {
    // One deadline for the answer and its body.
    const signal = AbortSignal.timeout(timeout.ms);
    let response: Response;
    let text: string | null;
    try {
      response = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
      text = await boundedText(response);
    } catch (err) {
      return fail(unreachable(err, ctx, timeout));
    }
    if (REDIRECT_STATUSES.has(response.status)) {
      const location = response.headers.get('location');
      return fail(`StackStorm at ${base} answered ${response.status}${location ? ` (a redirect to ${shownLocation(location, url)})` : ''}: `
        + 'set register.st2.url to the address it redirects to; packbot sends the credential to that address only');
    }
    if (text === null) return fail(`StackStorm at ${base} answered ${response.status} with more than ${MAX_ANSWER_BYTES / 1024} KiB: that is not StackStorm's pack register endpoint; check register.st2.url`);
    if (!response.ok) return fail(failureMessage(response.status, text, ctx));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const counts = registerCountsSchema.safeParse(parsed);
    if (!counts.success) return fail(notCountsMessage(response.status, response.headers.get('content-type'), ctx));
    return counts.data;
  });
}
