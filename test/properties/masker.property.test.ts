import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMasker, encodings } from '../../src/core/masking/index.js';

// Secrets from a mixed alphabet: characters that change under base64, URL and JSON escaping,
// multi-byte ones, and none of '*' (the mask itself, which would blur what "survives" means).
const SECRET_CHARS = [...'abcxyzABCXYZ0189-_./+:=@!?&%#"\\\' é€', '😀', '\n', '\t'];
const secretArb = fc
  .array(fc.constantFrom(...SECRET_CHARS), { minLength: 8, maxLength: 40 })
  .map((cs) => cs.join(''))
  .filter((s) => s.trim().length >= 8);

const FORMS = ['plain', 'base64', 'base64url', 'uri-component', 'form', 'uri', 'json', 'json-twice', 'blob', 'blob-url'] as const;
type Form = (typeof FORMS)[number];

/** Text that stresses the shape pass too: fragments of tokens, keys, URLs, headers. */
const fillerArb = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('https://', 'user:pw@', '-----BEGIN RSA PRIVATE KEY-----\n', '\n-----END RSA PRIVATE KEY-----', 'Bearer ', 'Authorization: Basic ',
    'ghp_', 'xoxb-1234-', 'AKIA', '\n', ' ', '"', '%', '\\'),
);

const pieceArb = fc.oneof(
  fillerArb.map((text) => ({ text }) as const),
  fc.record({ form: fc.constantFrom(...FORMS), pre: fc.uint8Array({ maxLength: 6 }), post: fc.uint8Array({ maxLength: 6 }) }),
);

function render(secret: string, form: Form, pre: Uint8Array, post: Uint8Array): string {
  const json = JSON.stringify(secret).slice(1, -1);
  switch (form) {
    case 'plain': return secret;
    case 'base64': return Buffer.from(secret).toString('base64');
    case 'base64url': return Buffer.from(secret).toString('base64url');
    case 'uri-component': return encodeURIComponent(secret);
    case 'form': return encodeURIComponent(secret).replace(/%20/g, '+');
    case 'uri': return encodeURI(secret);
    case 'json': return json;
    case 'json-twice': return JSON.stringify(json).slice(1, -1);
    case 'blob': return Buffer.concat([pre, Buffer.from(secret), post]).toString('base64');
    case 'blob-url': return Buffer.concat([pre, Buffer.from(secret), post]).toString('base64url');
  }
}

/** Cut `text` at the given points (any order, duplicates fine). */
function chunks(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let last = 0;
  for (const p of points) {
    out.push(text.slice(last, p));
    last = p;
  }
  out.push(text.slice(last));
  return out;
}

/** Independent of the masker: decode every base64 run at every alignment and look for the secret's bytes. */
function base64Recovers(text: string, secret: Buffer): boolean {
  for (const run of text.match(/[A-Za-z0-9+/_-]{4,}/g) ?? []) {
    for (let align = 0; align < 4; align++) {
      const part = run.slice(align);
      const usable = part.slice(0, part.length - (part.length % 4));
      const std = usable.replace(/-/g, '+').replace(/_/g, '/');
      if (Buffer.from(std, 'base64').includes(secret)) return true;
    }
  }
  return false;
}

describe('property: no registered secret survives masking', () => {
  it('in any mix of its encodings and surrounding text, through any chunking of the stream', () => {
    fc.assert(
      fc.property(secretArb, fc.array(pieceArb, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (secret, pieces, cuts) => {
        const masker = createMasker([secret]);
        const text = pieces.map((p) => ('text' in p ? p.text : render(secret, p.form, p.pre, p.post))).join('');
        const whole = masker.mask(text);
        const stream = masker.stream({ minAdvance: 0 });
        const streamed = chunks(text, cuts).map((c) => stream.push(c)).join('') + stream.end();
        // The stream gives exactly the whole text's result, wherever the chunks were cut.
        expect(streamed).toBe(whole);
        for (const form of encodings(secret)) expect(whole).not.toContain(form);
        expect(whole).not.toContain(secret);
        expect(base64Recovers(whole, Buffer.from(secret))).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('with several secrets registered at once, overlapping or containing each other', () => {
    fc.assert(
      fc.property(fc.array(secretArb, { minLength: 2, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }), fc.nat(), (secrets, cuts, seed) => {
        const nested = `${secrets[0]}${secrets[1]}`;
        const masker = createMasker([...secrets, nested]);
        const parts = [...secrets, nested, ...secrets.map((s) => Buffer.from(`user:${s}`).toString('base64'))];
        const text = parts.map((p, i) => `${'x'.repeat((seed + i) % 3)} ${p}`).join('\n');
        const whole = masker.mask(text);
        const stream = masker.stream({ minAdvance: 0 });
        expect(chunks(text, cuts).map((c) => stream.push(c)).join('') + stream.end()).toBe(whole);
        for (const s of [...secrets, nested]) {
          expect(whole).not.toContain(s);
          expect(base64Recovers(whole, Buffer.from(s))).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the shape pass streams exactly too, on text made of credential-like fragments', () => {
    const fragment = fc.constantFrom('-----BEGIN ', 'EC ', 'PRIVATE KEY-----', '-----END ', '\n', 'MIIB', 'https://', 'a:b', '@', '/', 'Bearer ', 'Basic ',
      'Authorization', ': ', '=', 'token ', 'ghp_', 'github_pat_', 'glpat-', 'xoxb-', 'xapp-', 'AKIA', 'ASIA', 'ABCDEFGH23456789', '0123456789', 'abcdefghij', ' ', '"',
      'MTA4NzY1NDMyMTA5ODc2NTQzMg', '.', 'GhIjKl');
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 10 }), (parts, cuts) => {
        const masker = createMasker();
        // Padding longer than the shape pass holds back, so the stream really cuts mid-text,
        // and every cut falls among the fragments.
        const pad = 'plain text '.repeat(900);
        const body = parts.join('');
        const text = `${pad}${body}${pad}`;
        const points = cuts.map((c) => pad.length + (c % (body.length + 1)));
        const stream = masker.stream({ minAdvance: 0 });
        expect(chunks(text, points).map((c) => stream.push(c)).join('') + stream.end()).toBe(masker.mask(text));
      }),
      { numRuns: 400 },
    );
  });
});
