import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMasker, MASK } from '../../src/core/masking/index.js';
import { quoteForMessage } from '../../src/core/quote.js';
import { describe as describeValue } from '../../src/domain/packs/problems.js';

const secret = `Zq7vLongRegisteredSecret${'x9Y8w7V6u5'.repeat(7)}K4j3h2`;

describe('a registered secret cut short by a message', () => {
  it('is masked where the helpers that quote values cut it ("…" and "...")', () => {
    const masker = createMasker([secret]);
    for (const quoted of [quoteForMessage(secret), quoteForMessage(secret, 60), describeValue(secret), quoteForMessage(`ref ${secret}`, 40)]) {
      const text = masker.mask(`expected a version, got ${quoted}`);
      expect(text).not.toContain(secret.slice(0, 8));
      expect(text).toMatch(/\*\*\*(…|\.\.\.)"$/);
    }
    // Its JSON-escaped and base64 forms too.
    const b64 = Buffer.from(secret).toString('base64');
    expect(masker.mask(`blob ${b64.slice(0, 50)}...`)).toBe(`blob ${MASK}...`);
  });

  it('leaves text alone that is not the start of a secret, or is too short to tell', () => {
    const masker = createMasker([secret]);
    for (const text of ['Loading…', 'Zq7vLon…', 'Zq7vLongX…', `${secret.slice(0, 20)} and more…`, 'nothing registered here...']) {
      expect(masker.mask(text)).toBe(text);
    }
    // The start of a secret that is not cut off is no secret.
    expect(createMasker().mask(`${secret.slice(0, 30)}…`)).toBe(`${secret.slice(0, 30)}…`);
  });

  it('streams exactly as the whole text masks, wherever the chunks are cut', () => {
    const short = 'pw-0123456789abcdef';
    const masker = createMasker([secret, short]);
    const pieceArb = fc.oneof(
      fc.nat({ max: secret.length - 1 }).map((n) => `${secret.slice(0, n)}${n % 2 ? '…' : '...'}`),
      fc.nat({ max: short.length - 1 }).map((n) => `${short.slice(0, n)}…`),
      fc.constantFrom(' ', '"', '\n', 'text ', 'Zq7vLong', '…', '...', secret, short),
    );
    fc.assert(
      fc.property(fc.array(pieceArb, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (pieces, cuts) => {
        const text = pieces.join('');
        const whole = masker.mask(text);
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const stream = masker.stream({ minAdvance: 0 });
        let out = '';
        let last = 0;
        for (const p of [...points, text.length]) {
          out += stream.push(text.slice(last, p));
          last = p;
        }
        expect(out + stream.end()).toBe(whole);
        // No start of 8 or more characters survives right before an ellipsis.
        for (const s of [secret, short]) {
          for (let n = 8; n < s.length; n++) {
            expect(whole.includes(`${s.slice(0, n)}…`) || whole.includes(`${s.slice(0, n)}...`)).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
