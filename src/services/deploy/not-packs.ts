/**
 * Directories under packs/ that hold no pack.yaml (a README left where a pack moved away, a
 * docs folder) are not packs: StackStorm's loader takes a directory for a pack only when it
 * has a pack.yaml, and so does packbot. Deploying "all" skips them and lists them as "not a
 * pack" — not as failures; naming one is refused with one line saying why.
 */
import { listNames } from '../../core/close-matches.js';
import { PackbotError } from '../../core/errors.js';
import type { PackTreeEntry } from '../../domain/git/index.js';

export interface SplitTrees {
  /** Directories with a pack.yaml, in the order listed. */
  packs: PackTreeEntry[];
  /** Names of the directories without one. */
  notPacks: string[];
}

export function splitPackTrees(trees: readonly PackTreeEntry[]): SplitTrees {
  return { packs: trees.filter((t) => t.manifest), notPacks: trees.filter((t) => !t.manifest).map((t) => t.name) };
}

/** How a summary lists them: `packs/old`. */
export const notPackPaths = (names: readonly string[]): string[] => names.map((n) => `packs/${n}`);

/** "packs/old: not a pack (no pack.yaml) in demo at main; packs there: `a`, `b`." */
export function notAPack(names: readonly string[], packs: readonly string[], where: { repo: string; ref: string }): PackbotError {
  const what = names.length === 1 ? 'not a pack' : 'not packs';
  const there = packs.length > 0 ? `packs there: ${listNames(packs)}` : 'there are no packs there';
  return new PackbotError('pack_unknown', `${notPackPaths(names).join(', ')}: ${what} (no pack.yaml) in ${where.repo} at ${where.ref}; ${there}.`);
}

/** Every directory under packs/ is something else: there is nothing to deploy. */
export function noPacksAmong(notPacks: readonly string[], where: { repo: string; ref: string }): PackbotError {
  const list = notPackPaths(notPacks);
  const shown = list.length > 5 ? `${list.slice(0, 5).join(', ')} and ${list.length - 5} more` : list.join(', ');
  return new PackbotError('pack_unknown', `${where.repo} has no packs under packs/ at ${where.ref}: no directory there has a pack.yaml (${shown}).`);
}
