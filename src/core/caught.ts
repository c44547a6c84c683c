/**
 * What a caught value says. Node puts the errno name of a failed system call (`ENOENT`,
 * `EEXIST`…) on the error's `code`; anything may be thrown, so neither is taken for granted.
 */

/** The errno-style code of a failed call (`ENOENT`), or undefined when the error has none. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when the error's code is one of `codes`: `isErrno(err, 'ENOENT', 'ENOTDIR')` for "not there". */
export function isErrno(err: unknown, ...codes: readonly string[]): boolean {
  const code = errnoCode(err);
  return code !== undefined && codes.includes(code);
}

/** The message of anything thrown: an Error's message, else the value as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
