import type { CompiledAlias } from './matcher.js';
import type { AliasDefinition } from './types.js';

/**
 * "Did you mean": when nothing matches, the alias whose opening words are nearest to the
 * start of the text. Only the start is compared, since the rest holds the user's values.
 */

/** Optimal string alignment distance: Levenshtein plus adjacent swaps (`statsu` → `status`). */
const WHITESPACE_RUN = /\s+/g;

export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** Distance from `prefix` to the start of `text`, cut by characters or by the same word count. */
function distanceToStart(prefix: string, text: string): number {
  const byChars = text.slice(0, prefix.length);
  const byWords = text.split(' ').slice(0, prefix.split(' ').length).join(' ');
  return Math.min(editDistance(prefix, byChars), editDistance(prefix, byWords));
}

/** Close enough to suggest: at most 2 edits, or 40% of the prefix for longer ones. */
export function closeEnough(distance: number, prefix: string): boolean {
  return distance <= Math.max(2, Math.floor(prefix.length * 0.4));
}

export function closestAlias(
  aliases: readonly CompiledAlias[],
  normalizedText: string,
): { alias: AliasDefinition; display: string } | undefined {
  const text = normalizedText.toLowerCase().replace(WHITESPACE_RUN, ' ');
  let best: { alias: AliasDefinition; display: string; distance: number; length: number } | undefined;
  for (const { alias, formats } of aliases) {
    for (const f of formats) {
      for (const prefix of [f.compiled.literalPrefix, f.displayPrefix]) {
        if (prefix === '') continue;
        const distance = distanceToStart(prefix, text);
        if (!closeEnough(distance, prefix)) continue;
        // Nearer wins; on equal distance the longer prefix says more about the intent.
        if (!best || distance < best.distance || (distance === best.distance && prefix.length > best.length)) {
          best = { alias, display: f.display, distance, length: prefix.length };
        }
      }
    }
  }
  return best && { alias: best.alias, display: best.display };
}
