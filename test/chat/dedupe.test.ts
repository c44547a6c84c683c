import { describe, expect, it } from 'vitest';
import { Deduper } from '../../src/interfaces/chat/dedupe.js';

describe('Deduper', () => {
  it('lets an id through once within its TTL and again after it', () => {
    let now = 0;
    const d = new Deduper(1000, 100, () => now);
    expect(d.firstSeen('a')).toBe(true);
    expect(d.firstSeen('a')).toBe(false);
    expect(d.firstSeen('b')).toBe(true);
    now = 999;
    expect(d.firstSeen('a')).toBe(false);
    now = 1001;
    expect(d.firstSeen('a')).toBe(true);
  });

  it('stays bounded under a flood of unique ids, forgetting the oldest', () => {
    const d = new Deduper(60_000, 3, () => 0);
    for (const id of ['1', '2', '3', '4', '5']) expect(d.firstSeen(id)).toBe(true);
    expect(d.firstSeen('5')).toBe(false);
    expect(d.firstSeen('1')).toBe(true);
  });
});
