import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/domain/config/index.js';
import { formatDuration } from '../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1m30s', 90_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['0s', 0],
  ])('%s → %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '90', '1.5h', '1x', 'h', '30m1h', '1h1h', ' 1h', '1h ', '1 h', '-1h', '1H', 'ms', '10mins', '1h-30m'])(
    'rejects %j with the duration hint',
    (text) => {
      expect(() => parseDuration(text)).toThrow(/expected a duration like 90s, 10m or 1h/);
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [5_400_000, '1h 30m'],
    [90_000, '1m 30s'],
    [3_600_000, '1h'],
    [500, '500ms'],
    [1_500, '1s 500ms'],
    [0, '0s'],
    [172_800_000 + 3_600_000, '2d 1h'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [1, 999, 61_000, 5_400_000, 93_784_005]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
