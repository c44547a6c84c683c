/**
 * Durations as people read them, and the units packbot.yaml writes them in. There are a few
 * styles because their readers differ, and chat text built from each is held fixed by tests:
 *
 * - `formatDuration`: exact, every unit, pasteable back into packbot.yaml (`1h 30m`, `500ms`);
 * - `humanSpan`: coarse, one or two units, never under 1s (`45s`, `12m`, `2h 5m`): lock ages, waits;
 * - `formatElapsed`: how long work took, tenths under a minute (`820ms`, `4.2s`, `2m 3s`);
 * - `timeAgo`: since an instant, in its coarsest unit (`just now`, `3m ago`, `5d ago`);
 * - `formatLimit`: a time limit, whole minutes when it is one (`5m`, `1.5s`, `250ms`);
 * - `formatSeconds`: a time limit in seconds to one decimal (`0.3s`, `600s`).
 */

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The unit symbols of packbot.yaml durations, largest first, with their size in milliseconds. */
export const DURATION_UNITS: ReadonlyArray<readonly [symbol: string, ms: number]> = [
  ['d', DAY_MS],
  ['h', HOUR_MS],
  ['m', MINUTE_MS],
  ['s', SECOND_MS],
  ['ms', 1],
];

/** Human form for chat and config messages: `1h 30m`, `1m 30s`, `500ms`; zero is `0s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [symbol, size] of DURATION_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n}${symbol}`);
      rest -= n * size;
    }
  }
  return parts.join(' ');
}

/** "45s", "12m", "2h 5m": coarse on purpose, for people reading chat; the sign is dropped. */
export function humanSpan(ms: number): string {
  const seconds = Math.max(1, Math.round(Math.abs(ms) / SECOND_MS));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
}

/** "820ms", "4.2s", "2m", "2m 3s": the time a stage or a deploy took. */
export function formatElapsed(ms: number): string {
  if (ms < SECOND_MS) return `${Math.round(ms)}ms`;
  if (ms < MINUTE_MS) return `${(ms / SECOND_MS).toFixed(1)}s`;
  const m = Math.floor(ms / MINUTE_MS);
  const s = Math.round((ms % MINUTE_MS) / SECOND_MS);
  return s === 0 ? `${m}m` : `${m}m ${s}s`;
}

/** "3m ago", "2h ago", "5d ago" — coarse on purpose: it's for people scanning chat. */
export function timeAgo(iso: string, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / SECOND_MS));
  if (seconds < 60) return 'just now';
  const units: Array<[number, string]> = [[DAY_MS / SECOND_MS, 'd'], [HOUR_MS / SECOND_MS, 'h'], [MINUTE_MS / SECOND_MS, 'm']];
  for (const [size, unit] of units) if (seconds >= size) return `${Math.floor(seconds / size)}${unit} ago`;
  return 'just now';
}

/** "5m" for whole minutes, else "1.5s", or "250ms" under a second: a limit as it was configured. */
export function formatLimit(ms: number): string {
  if (ms >= MINUTE_MS && ms % MINUTE_MS === 0) return `${ms / MINUTE_MS}m`;
  if (ms >= SECOND_MS) return `${Math.round(ms / 100) / 10}s`;
  return `${ms}ms`;
}

/** "0.3s", "600s": a limit in seconds, to one decimal without a trailing zero. */
export function formatSeconds(ms: number): string {
  return `${+(ms / SECOND_MS).toFixed(1)}s`;
}
