import { describe, expect, it } from 'vitest';
import { formatDuration, formatElapsed, formatLimit, formatSeconds, humanSpan, timeAgo } from '../../src/core/duration.js';
import { DURATION_PATTERN, parseDuration } from '../../src/domain/config/duration.js';

describe('duration styles', () => {
  it('formatDuration is exact, every unit, and reads back as config', () => {
    expect([0, 500, 90_000, 5_400_000, 93_784_005, -61_000].map(formatDuration)).toEqual(['0s', '500ms', '1m 30s', '1h 30m', '1d 2h 3m 4s 5ms', '-1m 1s']);
    expect(parseDuration(formatDuration(93_784_005))).toBe(93_784_005);
  });

  it('humanSpan is coarse, never under a second, and drops the sign', () => {
    expect([0, 44_600, 59_499, 90_000, 3_600_000, 7_500_000, -120_000].map(humanSpan)).toEqual(['1s', '45s', '59s', '2m', '1h', '2h 5m', '2m']);
  });

  it('formatElapsed keeps tenths under a minute', () => {
    expect([820.4, 1000, 4_240, 60_000, 123_000].map(formatElapsed)).toEqual(['820ms', '1.0s', '4.2s', '1m', '2m 3s']);
  });

  it('timeAgo names the coarsest unit', () => {
    const now = new Date('2025-01-10T12:00:00Z');
    const at = (ms: number) => new Date(now.getTime() - ms).toISOString();
    expect([at(30_000), at(180_000), at(7_200_000), at(5 * 86_400_000), at(-60_000)].map((iso) => timeAgo(iso, now)))
      .toEqual(['just now', '3m ago', '2h ago', '5d ago', 'just now']);
  });

  it('formatLimit shows whole minutes as minutes', () => {
    expect([300_000, 90_000, 1500, 250].map(formatLimit)).toEqual(['5m', '90s', '1.5s', '250ms']);
  });

  it('formatSeconds shows seconds to one decimal', () => {
    expect([300, 600_000, 60_000, 1_250].map(formatSeconds)).toEqual(['0.3s', '600s', '60s', '1.3s']);
  });

  it('the config pattern is built from the same units', () => {
    expect(DURATION_PATTERN).toBe('^(?=\\d)(?:(\\d+)d)?(?: ?(\\d+)h)?(?: ?(\\d+)m)?(?: ?(\\d+)s)?(?: ?(\\d+)ms)?$');
  });
});
