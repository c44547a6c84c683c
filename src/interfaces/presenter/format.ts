/** Small, pure formatters shared by command views. */

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '';
}

export function truthy(value: string | null | undefined): boolean {
  return ['true', 'yes', '1', 'on'].includes((value ?? '').trim().toLowerCase());
}
