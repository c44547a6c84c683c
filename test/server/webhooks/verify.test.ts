import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deliveryIdOf, verifyDelivery } from '../../../src/interfaces/server/webhooks/verify.js';
import type { Verification, WebhookSecrets } from '../../../src/interfaces/server/webhooks/types.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/webhooks/${name}`, import.meta.url));

const GITHUB_SECRET = 'It\'s a Secret to Everybody';
const BITBUCKET_SECRET = 'bb-hook-secret-4f9a';
const GITLAB_TOKEN = 'glwt-7c1d2e3f';
// "whsec_" + base64 of 32 bytes, as GitLab generates signing tokens.
const SIGNING_KEY = Buffer.from('packbot-test-signing-key-32bytes', 'utf8');
const SIGNING_SECRET = `whsec_${SIGNING_KEY.toString('base64')}`;

const secrets: WebhookSecrets = {
  github: { secret: GITHUB_SECRET },
  bitbucket: { secret: BITBUCKET_SECRET },
  gitlab: { token: GITLAB_TOKEN },
};

const hexSig = (secret: string, body: Buffer | string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function rejected(v: Verification): string {
  expect(v.ok).toBe(false);
  return v.ok ? '' : v.reason;
}

/** The reason must never carry the secret or the signature that was sent. */
function expectSafeReason(reason: string, ...forbidden: string[]) {
  for (const f of forbidden) expect(reason).not.toContain(f);
}

describe.each([
  { provider: 'github' as const, name: 'X-Hub-Signature-256', secret: GITHUB_SECRET, file: 'github-push.json' },
  { provider: 'bitbucket' as const, name: 'X-Hub-Signature', secret: BITBUCKET_SECRET, file: 'bitbucket-push.json' },
])('$provider HMAC signatures ($name)', ({ provider, name, secret, file }) => {
  const body = fixture(file);
  const good = hexSig(secret, body);
  const verify = (headers: Record<string, string | string[] | undefined>, raw = body) => verifyDelivery(provider, headers, raw, secrets);

  it('accepts the signature of the raw body, whatever the header name case', () => {
    expect(verify({ [name.toLowerCase()]: good })).toEqual({ ok: true });
    expect(verify({ [name]: good })).toEqual({ ok: true });
  });

  it('rejects a body with one flipped byte', () => {
    const tampered = Buffer.from(body);
    tampered[100] = (tampered[100] ?? 0) ^ 0x01;
    expect(rejected(verify({ [name]: good }, tampered))).toBe('signature does not match');
  });

  it('rejects the same JSON re-serialised with different spacing', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
    expect(reserialised.equals(body)).toBe(false);
    expect(rejected(verify({ [name]: good }, reserialised))).toBe('signature does not match');
  });

  it('rejects a signature made with another secret', () => {
    const reason = rejected(verify({ [name]: hexSig('not the secret', body) }));
    expect(reason).toBe('signature does not match');
    expectSafeReason(reason, secret, hexSig('not the secret', body).slice(7));
  });

  it.each([
    ['a sha1= prefix', good.replace('sha256=', 'sha1=')],
    ['no prefix', good.slice('sha256='.length)],
    ['upper-case hex', `sha256=${good.slice(7).toUpperCase()}`],
    ['one hex digit short', good.slice(0, -1)],
    ['one hex digit too many', `${good}0`],
    ['a non-hex character', `${good.slice(0, -1)}g`],
    ['surrounding whitespace', ` ${good}`],
    ['an empty value', ''],
    ['two values joined by a proxy', `${good}, ${good}`],
  ])('rejects %s', (_what, value) => {
    const reason = rejected(verify({ [name]: value }));
    expect(reason).toBe(`${name} is not sha256=<64 lowercase hex>`);
    expectSafeReason(reason, secret, good.slice(7));
  });

  it('rejects a missing header', () => {
    expect(rejected(verify({ 'content-type': 'application/json' }))).toBe(`missing ${name} header`);
  });

  it('rejects a header sent more than once, even with identical valid copies', () => {
    expect(rejected(verify({ [name]: [good, good] }))).toBe(`${name} header sent more than once`);
    expect(rejected(verify({ [name]: [good] }))).toBe(`${name} header sent more than once`);
    expect(rejected(verify({ [name]: good, [name.toLowerCase()]: good }))).toBe(`${name} header sent more than once`);
  });

  it('rejects everything when no secret is configured', () => {
    expect(verifyDelivery(provider, { [name]: good }, body, {})).toEqual({
      ok: false,
      reason: `no secret configured for ${provider} webhooks`,
    });
    expect(rejected(verifyDelivery(provider, { [name]: hexSig('', body) }, body, { [provider]: { secret: '' } }))).toBe(
      `no secret configured for ${provider} webhooks`,
    );
  });
});

it('GitHub: matches the example from GitHub\'s "validating webhook deliveries" page', () => {
  const headers = { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' };
  expect(verifyDelivery('github', headers, Buffer.from('Hello, World!'), secrets)).toEqual({ ok: true });
});

describe('GitLab secret token (X-Gitlab-Token)', () => {
  const body = fixture('gitlab-push.json');

  it('accepts the configured token', () => {
    expect(verifyDelivery('gitlab', { 'x-gitlab-token': GITLAB_TOKEN }, body, secrets)).toEqual({ ok: true });
  });

  it.each([
    ['a wrong token', 'glwt-7c1d2e3e'],
    ['a prefix of the token', GITLAB_TOKEN.slice(0, -1)],
    ['the token with a trailing space', `${GITLAB_TOKEN} `],
    ['an empty token', ''],
  ])('rejects %s without echoing either', (_what, token) => {
    const reason = rejected(verifyDelivery('gitlab', { 'x-gitlab-token': token }, body, secrets));
    expect(reason).toBe('X-Gitlab-Token does not match');
    expectSafeReason(reason, GITLAB_TOKEN);
  });

  it('rejects a missing or repeated token', () => {
    expect(rejected(verifyDelivery('gitlab', {}, body, secrets))).toBe('missing X-Gitlab-Token header');
    expect(rejected(verifyDelivery('gitlab', { 'x-gitlab-token': [GITLAB_TOKEN, GITLAB_TOKEN] }, body, secrets))).toBe(
      'X-Gitlab-Token header sent more than once',
    );
  });

  it('rejects everything when neither token nor signing secret is configured', () => {
    expect(rejected(verifyDelivery('gitlab', { 'x-gitlab-token': '' }, body, { gitlab: {} }))).toBe(
      'no secret configured for gitlab webhooks',
    );
  });
});

describe('GitLab signing token (Standard Webhooks)', () => {
  const body = fixture('gitlab-push.json');
  const nowMs = 1_746_177_600_000;
  const now = () => nowMs;
  const id = '4c2f7a3e-9b1d-4e6f-8a0b-2d3c4e5f6a7b';
  const ts = String(nowMs / 1000);
  const signingOnly: WebhookSecrets = { gitlab: { signing_secret: SIGNING_SECRET } };

  function sign(key: Buffer, msgId: string, timestamp: string, raw: Buffer): string {
    const mac = createHmac('sha256', key).update(`${msgId}.${timestamp}.`).update(raw).digest('base64');
    return `v1,${mac}`;
  }
  const signed = (overrides: Record<string, string | string[]> = {}) => ({
    'webhook-id': id,
    'webhook-timestamp': ts,
    'webhook-signature': sign(SIGNING_KEY, id, ts, body),
    ...overrides,
  });
  const verify = (headers: Record<string, string | string[]>, raw = body, s = signingOnly) =>
    verifyDelivery('gitlab', headers, raw, s, now);

  it('accepts a valid signature', () => {
    expect(verify(signed())).toEqual({ ok: true });
  });

  it('matches the Standard Webhooks reference test vector', () => {
    const vector = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    const s = { gitlab: { signing_secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } };
    expect(verifyDelivery('gitlab', vector, Buffer.from('{"test": 2432232314}'), s, () => 1614265330_000)).toEqual({ ok: true });
  });

  it('accepts a list where one of several signatures is valid (key rotation)', () => {
    const other = sign(Buffer.from('an older key that was rotated out'), id, ts, body);
    expect(verify(signed({ 'webhook-signature': `${other} ${sign(SIGNING_KEY, id, ts, body)}` }))).toEqual({ ok: true });
    expect(verify(signed({ 'webhook-signature': `v1a,c2lnbmF0dXJl ${sign(SIGNING_KEY, id, ts, body)}` }))).toEqual({ ok: true });
  });

  it('rejects a list where no signature is valid', () => {
    const a = sign(Buffer.from('key a'), id, ts, body);
    const b = sign(Buffer.from('key b'), id, ts, body);
    expect(rejected(verify(signed({ 'webhook-signature': `${a} ${b}` })))).toBe('signature does not match');
  });

  it('rejects a signature made with the wrong key', () => {
    const wrong = sign(Buffer.from('packbot-test-signing-key-32byteZ'), id, ts, body);
    const reason = rejected(verify(signed({ 'webhook-signature': wrong })));
    expect(reason).toBe('signature does not match');
    expectSafeReason(reason, SIGNING_SECRET, wrong.slice(3));
  });

  it('rejects a changed body, a changed id and a changed timestamp', () => {
    const tampered = Buffer.from(body);
    tampered[10] = (tampered[10] ?? 0) ^ 0x20;
    expect(rejected(verify(signed(), tampered))).toBe('signature does not match');
    expect(rejected(verify(signed({ 'webhook-id': `${id}x` })))).toBe('signature does not match');
    expect(rejected(verify(signed({ 'webhook-timestamp': String(Number(ts) + 1) })))).toBe('signature does not match');
  });

  it('rejects timestamps more than 5 minutes away, either way, even when correctly signed', () => {
    for (const offset of [-301, 301, -86_400]) {
      const t = String(Number(ts) + offset);
      const reason = rejected(verify(signed({ 'webhook-timestamp': t, 'webhook-signature': sign(SIGNING_KEY, id, t, body) })));
      expect(reason).toBe('timestamp outside 5 minutes');
    }
    for (const offset of [-300, 300]) {
      const t = String(Number(ts) + offset);
      expect(verify(signed({ 'webhook-timestamp': t, 'webhook-signature': sign(SIGNING_KEY, id, t, body) }))).toEqual({ ok: true });
    }
  });

  it('rejects a timestamp that is not unix seconds', () => {
    for (const t of ['', '1746177600.5', '-1746177600', '2025-05-02T09:20:00Z', String(nowMs)]) {
      const reason = rejected(verify(signed({ 'webhook-timestamp': t, 'webhook-signature': sign(SIGNING_KEY, id, t, body) })));
      expect(reason).toBe('webhook-timestamp is not unix seconds');
    }
  });

  it.each([
    ['no version', (s: string) => s.slice(3)],
    ['a v2 prefix', (s: string) => `v2,${s.slice(3)}`],
  ])('rejects a signature with %s', (_what, change) => {
    expect(rejected(verify(signed({ 'webhook-signature': change(sign(SIGNING_KEY, id, ts, body)) })))).toBe(
      'webhook-signature has no v1,<base64> entry',
    );
  });

  it('rejects a truncated, padded-out or hex-encoded signature', () => {
    const good = sign(SIGNING_KEY, id, ts, body);
    const hex = createHmac('sha256', SIGNING_KEY).update(`${id}.${ts}.`).update(body).digest('hex');
    for (const bad of [good.slice(0, -2), `${good}==`, `v1,${hex}`]) {
      expect(rejected(verify(signed({ 'webhook-signature': bad })))).toBe('signature does not match');
    }
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('rejects a missing or repeated %s header', (name) => {
    const headers: Record<string, string | string[]> = signed();
    const value = headers[name] as string;
    delete headers[name];
    expect(rejected(verify(headers))).toBe(`missing ${name} header`);
    expect(rejected(verify({ ...headers, [name]: [value, value] }))).toBe(`${name} header sent more than once`);
  });

  it('requires both checks when both token and signing secret are configured', () => {
    const both = { gitlab: { token: GITLAB_TOKEN, signing_secret: SIGNING_SECRET } };
    expect(verify({ ...signed(), 'x-gitlab-token': GITLAB_TOKEN }, body, both)).toEqual({ ok: true });
    expect(rejected(verify(signed(), body, both))).toBe('missing X-Gitlab-Token header');
    expect(rejected(verify({ ...signed(), 'x-gitlab-token': 'wrong' }, body, both))).toBe('X-Gitlab-Token does not match');
    expect(rejected(verify({ 'x-gitlab-token': GITLAB_TOKEN }, body, both))).toBe('missing webhook-id header');
  });

  it('ignores the token header when only the signing secret is configured', () => {
    expect(verify({ ...signed(), 'x-gitlab-token': 'anything' })).toEqual({ ok: true });
  });

  it('accepts a signing secret without the whsec_ prefix and rejects a malformed one', () => {
    const bare = { gitlab: { signing_secret: SIGNING_KEY.toString('base64') } };
    expect(verify(signed(), body, bare)).toEqual({ ok: true });
    const reason = rejected(verify(signed(), body, { gitlab: { signing_secret: 'whsec_not base64!' } }));
    expect(reason).toBe('gitlab signing_secret is not whsec_<base64>');
    expectSafeReason(reason, 'not base64!');
  });
});

describe('deliveryIdOf', () => {
  it('reads each provider\'s delivery id header, case-insensitively', () => {
    expect(deliveryIdOf('github', { 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' })).toBe(
      '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    );
    expect(deliveryIdOf('bitbucket', { 'X-Request-UUID': '9f1c8a2e-0b3d-4c5e-8f6a-7b8c9d0e1f2a' })).toBe(
      '9f1c8a2e-0b3d-4c5e-8f6a-7b8c9d0e1f2a',
    );
  });

  it('does not take the Bitbucket hook UUID, which is the same for every delivery', () => {
    expect(deliveryIdOf('bitbucket', { 'x-hook-uuid': '{5c0ffee0-1234-4abc-9def-0123456789ab}' })).toBeNull();
  });

  it('prefers webhook-id, then X-Gitlab-Event-UUID, then Idempotency-Key for GitLab', () => {
    const all = { 'webhook-id': 'wh-1', 'x-gitlab-event-uuid': 'ev-2', 'idempotency-key': 'ik-3' };
    expect(deliveryIdOf('gitlab', all)).toBe('wh-1');
    expect(deliveryIdOf('gitlab', { ...all, 'webhook-id': undefined })).toBe('ev-2');
    expect(deliveryIdOf('gitlab', { 'idempotency-key': 'ik-3' })).toBe('ik-3');
  });

  it('returns null when there is no usable id', () => {
    expect(deliveryIdOf('github', {})).toBeNull();
    expect(deliveryIdOf('github', { 'x-github-delivery': '' })).toBeNull();
    expect(deliveryIdOf('github', { 'x-github-delivery': ['a', 'b'] })).toBeNull();
    expect(deliveryIdOf('github', { 'x-github-delivery': 'has a space' })).toBeNull();
    expect(deliveryIdOf('github', { 'x-github-delivery': 'x'.repeat(201) })).toBeNull();
    expect(deliveryIdOf('gitlab', { 'x-gitlab-token': 'secret' })).toBeNull();
  });
});
