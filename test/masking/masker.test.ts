import { describe, expect, it } from 'vitest';
import { createMasker, MASK } from '../../src/core/masking/masker.js';

describe('masker', () => {
  const secret = 's3cr3t-T0ken/value+x';
  const masker = createMasker([secret]);

  it.each([
    ['plain', `token is ${secret}.`],
    ['base64', `auth ${Buffer.from(secret).toString('base64')}`],
    ['base64url', `auth ${Buffer.from(secret).toString('base64url')}`],
    ['url-encoded', `?t=${encodeURIComponent(secret)}`],
    ['json-escaped', JSON.stringify({ t: `line\n${secret}"` })],
  ])('masks a registered secret in %s form', (_form, text) => {
    const out = masker.mask(text);
    expect(out).toContain(MASK);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(Buffer.from(secret).toString('base64'));
    expect(out).not.toContain(encodeURIComponent(secret));
  });

  it.each([
    ['https://user:pass@github.com/org/repo.git', 'https://***@github.com/org/repo.git'],
    ['clone ssh://git@host/x failed', 'clone ssh://***@host/x failed'],
    ['see https://x-access-token:ghp_abc@host/r and http://u@h', 'see https://***@host/r and http://***@h'],
    ['no credentials: https://github.com/org/repo.git', 'no credentials: https://github.com/org/repo.git'],
  ])('strips URL userinfo: %s', (input, expected) => {
    expect(createMasker().mask(input)).toBe(expected);
  });

  it('masks the longer of two overlapping secrets whole', () => {
    const m = createMasker(['abcd', 'abcdefgh']);
    expect(m.mask('x abcdefgh y abcd')).toBe(`x ${MASK} y ${MASK}`);
  });

  it('ignores values too short to mask safely and counts what it accepted', () => {
    const m = createMasker();
    expect(m.add('ab', '')).toBe(0);
    expect(m.mask('ab cd')).toBe('ab cd');
    expect(m.add('longer-secret')).toBeGreaterThan(0);
    expect(m.add('longer-secret')).toBe(0);
  });
});
