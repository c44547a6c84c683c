/**
 * Is a webhook delivery really from the provider? Pure: headers, the raw body bytes (never a
 * re-serialised JSON body, whose bytes differ from what was signed) and the configured
 * secrets in, a verdict out. Rejection reasons go to logs and HTTP replies, so they never
 * quote the secret or the signature that was received.
 *
 * Header names, as documented by the providers:
 * - GitHub: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(secret, body); delivery id
 *   X-GitHub-Delivery.
 * - Bitbucket Cloud: X-Hub-Signature = "sha256=" + hex HMAC-SHA256(secret, body). Its
 *   event-payload page lists X-Request-UUID ("the UUID of the request", the delivery id) and
 *   X-Hook-UUID (the UUID of the webhook, the same for every delivery, so not an id here).
 * - GitLab: X-Gitlab-Token carries the configured secret token verbatim. GitLab's newer
 *   signing token (gitlab-org/gitlab!230944, "Add webhook HMAC signing token") follows the
 *   Standard Webhooks spec: webhook-signature holds space-separated "v1,<base64 HMAC-SHA256>"
 *   entries over "{webhook-id}.{webhook-timestamp}.{body}", webhook-timestamp is unix seconds,
 *   webhook-id equals Idempotency-Key; the token is "whsec_" + base64 of a 32-byte key
 *   (gitlab-org/gitlab!231325).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { header, lookupHeader, type Headers } from './headers.js';
import type { Verification, WebhookSecrets } from './types.js';
import type { Provider } from '../../../services/autodeploy/push-event.js';

/** Standard Webhooks' replay window. */
const TOLERANCE_SECONDS = 5 * 60;

const HEX_SIGNATURE = /^sha256=[0-9a-f]{64}$/;
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;
const WHSEC = /^(?:whsec_)?([A-Za-z0-9+/]+={0,2})$/;
/** Delivery ids end up in logs and dedupe keys: printable, no spaces, bounded. */
const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;

const OK: Verification = { ok: true };
const fail = (reason: string): Verification => ({ ok: false, reason });

export function verifyDelivery(
  provider: Provider,
  headers: Headers,
  rawBody: Buffer,
  secrets: WebhookSecrets,
  now: () => number = Date.now,
): Verification {
  switch (provider) {
    case 'github': {
      const secret = secrets.github?.secret;
      if (!secret) return noSecret(provider);
      return checkHexSignature(headers, 'X-Hub-Signature-256', secret, rawBody);
    }
    case 'bitbucket': {
      const secret = secrets.bitbucket?.secret;
      if (!secret) return noSecret(provider);
      return checkHexSignature(headers, 'X-Hub-Signature', secret, rawBody);
    }
    case 'gitlab': {
      const token = secrets.gitlab?.token;
      const signing = secrets.gitlab?.signing_secret;
      if (!token && !signing) return noSecret(provider);
      // Both configured means both must pass: the second is not a fallback for the first.
      if (token) {
        const verdict = checkGitlabToken(headers, token);
        if (!verdict.ok) return verdict;
      }
      if (signing) return checkStandardSignature(headers, signing, rawBody, now);
      return OK;
    }
  }
}

/** The provider's id for this delivery (the same on a redelivery), or null when it sent none. */
export function deliveryIdOf(provider: Provider, headers: Headers): string | null {
  const names =
    provider === 'github'
      ? ['X-GitHub-Delivery']
      : provider === 'bitbucket'
        ? ['X-Request-UUID']
        : ['webhook-id', 'X-Gitlab-Event-UUID', 'Idempotency-Key'];
  for (const name of names) {
    const value = header(headers, name);
    if (value !== undefined && DELIVERY_ID.test(value)) return value;
  }
  return null;
}

function noSecret(provider: Provider): Verification {
  return fail(`no secret configured for ${provider} webhooks`);
}

/** Reads one header, or says why not: missing and sent-twice are different mistakes. */
function single(headers: Headers, name: string): { value: string } | Verification {
  const found = lookupHeader(headers, name);
  if (found.kind === 'missing') return fail(`missing ${name} header`);
  if (found.kind === 'duplicated') return fail(`${name} header sent more than once`);
  return { value: found.value };
}

function checkHexSignature(headers: Headers, name: string, secret: string, rawBody: Buffer): Verification {
  const got = single(headers, name);
  if (!('value' in got)) return got;
  // The format is checked first so the compare below always sees two 71-byte strings; the
  // format itself is public, so rejecting early on it leaks nothing about the secret.
  if (!HEX_SIGNATURE.test(got.value)) return fail(`${name} is not sha256=<64 lowercase hex>`);
  const expected = `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
  return sameBytes(got.value, expected) ? OK : fail('signature does not match');
}

function checkGitlabToken(headers: Headers, token: string): Verification {
  const got = single(headers, 'X-Gitlab-Token');
  if (!('value' in got)) return got;
  // Hashing both sides first gives equal-length buffers, so the token's length does not leak.
  const same = timingSafeEqual(sha256(got.value), sha256(token));
  return same ? OK : fail('X-Gitlab-Token does not match');
}

function checkStandardSignature(headers: Headers, secret: string, rawBody: Buffer, now: () => number): Verification {
  const key = signingKey(secret);
  if (!key) return fail('gitlab signing_secret is not whsec_<base64>');
  const id = single(headers, 'webhook-id');
  if (!('value' in id)) return id;
  const timestamp = single(headers, 'webhook-timestamp');
  if (!('value' in timestamp)) return timestamp;
  const signature = single(headers, 'webhook-signature');
  if (!('value' in signature)) return signature;

  if (!/^[0-9]{1,12}$/.test(timestamp.value)) return fail('webhook-timestamp is not unix seconds');
  if (Math.abs(now() / 1000 - Number(timestamp.value)) > TOLERANCE_SECONDS) return fail('timestamp outside 5 minutes');

  // Other versions (e.g. v1a, asymmetric) may sit beside v1 in the list; the spec says to
  // skip what we do not understand, and one matching v1 entry is enough.
  const candidates = signature.value
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3));
  if (candidates.length === 0) return fail('webhook-signature has no v1,<base64> entry');

  const signed = Buffer.concat([Buffer.from(`${id.value}.${timestamp.value}.`, 'utf8'), rawBody]);
  const expected = createHmac('sha256', key).update(signed).digest('base64');
  let matched = false;
  for (const candidate of candidates) {
    if (BASE64_SHA256.test(candidate) && sameBytes(candidate, expected)) matched = true;
  }
  return matched ? OK : fail('signature does not match');
}

/** The HMAC key in a "whsec_<base64>" secret; the prefix is optional, as in the spec's libraries. */
function signingKey(secret: string): Buffer | undefined {
  const match = WHSEC.exec(secret);
  const encoded = match?.[1];
  if (encoded === undefined || encoded.length % 4 !== 0) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length > 0 ? key : undefined;
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time equality of two strings whose lengths the caller has already made public. */
function sameBytes(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
