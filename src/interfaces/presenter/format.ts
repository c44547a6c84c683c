/** Small, pure formatters shared by command views. */

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '';
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s === 0 ? `${m}m` : `${m}m ${s}s`;
}

/** "3m ago", "2h ago", "5d ago" — coarse on purpose: it's for people scanning chat. */
export function ago(iso: string, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return 'just now';
  const units: Array<[number, string]> = [[86_400, 'd'], [3600, 'h'], [60, 'm']];
  for (const [size, unit] of units) if (seconds >= size) return `${Math.floor(seconds / size)}${unit} ago`;
  return 'just now';
}

/** `console:alice` → `alice` for display; the full identity stays in records. */
export function displayUser(identity: string): string {
  const i = identity.indexOf(':');
  return i >= 0 ? identity.slice(i + 1) : identity;
}

export function truthy(value: string | undefined): boolean {
  return ['true', 'yes', '1', 'on'].includes((value ?? '').trim().toLowerCase());
}
