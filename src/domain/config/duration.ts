/**
 * Durations are written as strings (`90s`, `10m`, `1h30m`, `500ms`) and carried as milliseconds.
 * A bare number is rejected on purpose: "revert_after: 60" is ambiguous between seconds and
 * minutes, and guessing wrong silently unlocks a branch an hour early.
 */
import { DURATION_UNITS } from '../../core/duration.js';

/**
 * Units must appear largest first and at most once, so `1h30m` is accepted and `30m1h` is not;
 * a single space between parts lets `formatDuration` output be pasted back into the file.
 * Reads `^(?=\\d)(?:(\\d+)d)?(?: ?(\\d+)h)?(?: ?(\\d+)m)?(?: ?(\\d+)s)?(?: ?(\\d+)ms)?$`: one group per unit.
 */
export const DURATION_PATTERN = `^(?=\\d)${DURATION_UNITS.map(([symbol], i) => `(?:${i === 0 ? '' : ' ?'}(\\d+)${symbol})?`).join('')}$`;
const DURATION_RE = new RegExp(DURATION_PATTERN);

export const DURATION_WANTED = 'a duration like 90s, 10m or 1h';
export const DURATION_HINT = `expected ${DURATION_WANTED}`;

/** Parses a duration string to milliseconds; throws RangeError with a user-facing message. */
export function parseDuration(s: string): number {
  const ms = tryParseDuration(s);
  if (ms === undefined) throw new RangeError(`${DURATION_HINT}, got ${JSON.stringify(s)}`);
  return ms;
}

/** Like parseDuration but returns undefined instead of throwing (for validators). */
export function tryParseDuration(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const m = DURATION_RE.exec(s);
  if (!m) return undefined;
  let total = 0;
  DURATION_UNITS.forEach(([, size], i) => {
    const digits = m[i + 1];
    if (digits !== undefined) total += Number(digits) * size;
  });
  return Number.isSafeInteger(total) ? total : undefined;
}
