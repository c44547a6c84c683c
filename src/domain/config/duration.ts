/**
 * Durations are written as strings (`90s`, `10m`, `1h30m`, `500ms`) and carried as milliseconds.
 * A bare number is rejected on purpose: "revert_after: 60" is ambiguous between seconds and
 * minutes, and guessing wrong silently unlocks a branch an hour early.
 */

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const UNITS_DESC: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];

/**
 * Units must appear largest first and at most once, so `1h30m` is accepted and `30m1h` is not;
 * a single space between parts lets `formatDuration` output be pasted back into the file.
 */
export const DURATION_PATTERN = '^(?=\\d)(?:(\\d+)d)?(?: ?(\\d+)h)?(?: ?(\\d+)m)?(?: ?(\\d+)s)?(?: ?(\\d+)ms)?$';
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
  UNITS_DESC.forEach((unit, i) => {
    const digits = m[i + 1];
    if (digits !== undefined) total += Number(digits) * UNIT_MS[unit];
  });
  return Number.isSafeInteger(total) ? total : undefined;
}

/** Human form for chat: `1h 30m`, `1m 30s`, `500ms`; zero is `0s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const unit of UNITS_DESC) {
    const n = Math.floor(rest / UNIT_MS[unit]);
    if (n > 0) {
      parts.push(`${n}${unit}`);
      rest -= n * UNIT_MS[unit];
    }
  }
  return parts.join(' ');
}
