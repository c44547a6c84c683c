/** Filesystem paths written in packbot.yaml: how they resolve, and which are refused. */
import { isAbsolute, resolve } from 'node:path';

/**
 * Relative paths in packbot.yaml are relative to the file itself, not to the process cwd, so
 * `packbot serve` behaves the same whichever directory it is started from.
 */
export function resolveConfigPath(p: string, baseDir: string): string {
  return isAbsolute(p) ? resolve(p) : resolve(baseDir, p);
}

/** Why a path value is unusable, or undefined when it is fine. */
export function pathProblem(p: string): string | undefined {
  if (p.trim() === '') return 'expected a path, got an empty string';
  if (/[\u0000-\u001f\u007f]/.test(p)) return 'the path contains control characters';
  // "~" is a shell feature; resolved against the config dir it would create a directory named "~".
  if (p === '~' || p.startsWith('~/')) return 'a leading "~" is not expanded; write ${HOME}/... or an absolute path';
  return undefined;
}
