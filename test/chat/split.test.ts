import { describe, expect, it } from 'vitest';
import { CONTINUED, splitMessage } from '../../src/interfaces/chat/split.js';

const lines = (n: number, width = 30) => Array.from({ length: n }, (_, i) => `line ${String(i).padStart(3, '0')} `.padEnd(width, 'x'));

function fencesBalanced(chunk: string): boolean {
  return chunk.split('\n').filter((l) => l.trim().startsWith('```')).length % 2 === 0;
}

describe('splitMessage', () => {
  it('leaves a short message alone', () => {
    expect(splitMessage('hello', { maxLength: 100, maxMessages: 3 })).toEqual(['hello']);
  });

  it('splits on line boundaries within the limit and marks continuations', () => {
    const text = lines(40).join('\n');
    const parts = splitMessage(text, { maxLength: 200, maxMessages: 50 });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(200);
    for (const p of parts.slice(1)) expect(p.startsWith(CONTINUED)).toBe(true);
    const rejoined = parts.flatMap((p) => p.split('\n')).filter((l) => l !== CONTINUED);
    expect(rejoined).toEqual(lines(40));
  });

  it('closes a code fence at a cut and reopens it with its language', () => {
    const text = ['Output:', '```python', ...lines(30), '```', 'done'].join('\n');
    const parts = splitMessage(text, { maxLength: 250, maxMessages: 50 });
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(250);
      expect(fencesBalanced(p)).toBe(true);
    }
    expect(parts[1]?.split('\n')[1]).toBe('```python');
    expect(parts.at(-1)?.endsWith('done')).toBe(true);
  });

  it('caps the number of messages and says how much was left out', () => {
    const parts = splitMessage(lines(100).join('\n'), { maxLength: 200, maxMessages: 2, moreHint: '`pack history 42`' });
    expect(parts).toHaveLength(2);
    const last = parts[1] ?? '';
    const m = /… (\d+) more lines — `pack history 42`$/.exec(last);
    expect(m).not.toBeNull();
    const shown = parts.flatMap((p) => p.split('\n')).filter((l) => l.startsWith('line ')).length;
    expect(shown + Number(m?.[1])).toBe(100);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(200);
  });

  it('hard-wraps a single line longer than the limit', () => {
    const parts = splitMessage('y'.repeat(1000), { maxLength: 300, maxMessages: 10 });
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(300);
    expect(parts.join('').replaceAll(CONTINUED, '').replaceAll('\n', '')).toBe('y'.repeat(1000));
  });
});

describe('splitting at platform limits', () => {
  it.each([
    ['discord', 2000, 5],
    ['slack', 3000, 10],
  ])('%s: every part within %i characters, fences balanced, capped at %i messages with a pointer to the rest', (_platform, maxLength, maxMessages) => {
    const log = ['Deploy log:', '```text', ...Array.from({ length: 2000 }, (_, i) => `step ${i}: ${'ok '.repeat(i % 30)}✅`), '```'].join('\n');
    const parts = splitMessage(log, { maxLength, maxMessages, moreHint: '`pack history 3fa2c1d0`' });
    expect(parts).toHaveLength(maxMessages);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(maxLength);
      expect(part.split('\n').filter((l) => l.trim().startsWith('```')).length % 2).toBe(0);
    }
    expect(parts.slice(1).every((p) => p.startsWith(CONTINUED))).toBe(true);
    expect(parts.at(-1)).toMatch(/… \d+ more lines — `pack history 3fa2c1d0`$/);
  });

  it('never cuts an emoji in half when a single line is hard-wrapped', () => {
    const line = '🚀'.repeat(100);
    const parts = splitMessage(line, { maxLength: 41, maxMessages: 20 });
    expect(parts.map((p) => p.split('\n').filter((l) => l !== CONTINUED).join('')).join('')).toBe(line);
    for (const part of parts) expect(part).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });
});
