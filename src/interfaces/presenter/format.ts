/** Small, pure formatters shared by command views. */

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '';
}

/** `console:alice` → `alice` for display; the full identity stays in records. */
export function displayUser(identity: string): string {
  const i = identity.indexOf(':');
  return i >= 0 ? identity.slice(i + 1) : identity;
}

export function truthy(value: string | undefined): boolean {
  return ['true', 'yes', '1', 'on'].includes((value ?? '').trim().toLowerCase());
}
