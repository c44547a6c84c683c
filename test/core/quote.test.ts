import { describe, expect, it } from 'vitest';
import { quoteForMessage } from '../../src/core/quote.js';

describe('quoteForMessage', () => {
  it('quotes and escapes, and cuts long values', () => {
    expect(quoteForMessage('a"b\n')).toBe('"a\\"b\\n"');
    expect(quoteForMessage('x'.repeat(100))).toBe(JSON.stringify(`${'x'.repeat(80)}…`));
    expect(quoteForMessage('abcdef', 3)).toBe('"abc…"');
  });
});
