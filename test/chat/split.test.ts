import { describe, expect, it } from 'vitest';
import { CONTINUED, splitMessage } from '../../src/chat/split.js';

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
