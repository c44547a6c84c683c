/**
 * The safety net behind messages that name files by what people know (`configs/docker.yaml`,
 * `actions/x.yaml`): whatever still carries one of the server's directories — an fs error's
 * message, a tool's output — shows it by its label instead (`state_dir/…`), or without it.
 * Chat is no place for the server's layout; logs and history keep the full paths.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';

export interface ServerRoot {
  /** An absolute directory of the server (state_dir, configs_dir, packs_dir, a staging dir). */
  path: string;
  /** What to show instead (`configs`, `state_dir`); '' drops it, with the `/` after it. */
  shownAs: string;
}

// A root ends where a path segment does (`/srv/var` is not the start of `/srv/various`): at
// a `/`, the end, a character no one puts in a directory name, or a full stop ending a sentence.
const SEGMENT_END = '(?=$|[/\\s\'"`<>()\\[\\]{},;:|*?!]|\\.(?:$|\\s))';

/** A scrubber for these roots, built once: each root and its realpath, longest first. */
export function serverPathScrubber(roots: readonly ServerRoot[]): (text: string) => string {
  const forms = new Map<string, string>();
  for (const root of roots) {
    for (const form of spellings(root.path)) if (!forms.has(form)) forms.set(form, root.shownAs);
  }
  if (forms.size === 0) return (text) => text;
  // Longest first, so that a root inside another (packs_dir under state_dir) wins where both match.
  const ordered = [...forms.keys()].sort((a, b) => b.length - a.length);
  // Nor does a root start inside a longer path: `/srv/tmp/x` does not hold the root `/tmp/x`.
  const pattern = new RegExp(`(?<![\\w.~-])(?:${ordered.map(escape).join('|')})${SEGMENT_END}(/?)`, 'g');
  return (text) =>
    text.replace(pattern, (match: string, slash: string) => {
      const shown = forms.get(slash === '' ? match : match.slice(0, -1)) ?? '';
      return shown === '' ? '' : `${shown}${slash}`;
    });
}

/** `text` with every absolute path under one of `roots` shown by that root's label. */
export function scrubServerPaths(text: string, roots: ReadonlyArray<{ path: string; shownAs: string }>): string {
  return serverPathScrubber(roots)(text);
}

/** The root as given (normalised, no trailing `/`) and as the filesystem resolves it. */
function spellings(dir: string): string[] {
  if (!path.isAbsolute(dir)) return [];
  const given = path.resolve(dir);
  if (given === path.parse(given).root) return []; // `/` would swallow every path.
  let real = given;
  try {
    real = realpathSync.native(given);
  } catch {
    // Not there (yet): only the spelling given can appear.
  }
  return real === given ? [given] : [given, real];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
