/**
 * "Did you mean": the names closest to a mistyped one, and a list of names short enough to
 * show whole. Case is ignored (`Main` finds `main`); a name counts as close within about one
 * edit per four characters, so short names don't match everything.
 */

const MAX_SUGGESTIONS = 3;
/** Up to this many known names are shown whole; beyond it only the first ones and a count. */
export const LISTED_NAMES = 10;

/** Up to three candidates closest to `word`, nearest first, ties in the candidates' order. */
export function closeMatches(word: string, candidates: readonly string[], max = MAX_SUGGESTIONS): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.floor(w.length / 4));
  const scored: Array<{ name: string; d: number; i: number }> = [];
  for (const [i, name] of [...new Set(candidates)].entries()) {
    if (name === word) continue;
    const d = editDistance(w, name.toLowerCase());
    if (d <= limit) scored.push({ name, d, i });
  }
  return scored.sort((a, b) => a.d - b.d || a.i - b.i).slice(0, max).map((s) => s.name);
}

/** "`a`, `b`, `c`", or past LISTED_NAMES the first of them and "and 32 more". */
export function listNames(names: readonly string[], limit = LISTED_NAMES): string {
  const shown = names.slice(0, limit).map(code).join(', ');
  return names.length > limit ? `${shown} and ${names.length - limit} more` : shown;
}

/** "`a`", "`a` or `b`", "`a`, `b` or `c`". */
export function oneOf(names: readonly string[]): string {
  const quoted = names.map(code);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

export const code = (name: string): string => `\`${name}\``;

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("dokcer" → "docker"). */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (before[j - 2] ?? 0) + 1);
      row.push(v);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length] ?? 0;
}
