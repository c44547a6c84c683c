import { mayTie, topMatches, type AliasIndex } from './matcher.js';
import { literalWords, sampleTexts } from './samples.js';

/**
 * Finds pairs of different aliases that can match the same text with neither strictly more
 * specific: every such text would get an "ambiguous" reply. Each representation's sample
 * texts are run through the real matcher, so the check and chat agree by construction.
 * Only a witness per pair is reported; shadowing (one alias always winning) is not a collision.
 *
 * Sub-quadratic: a sample meets only the formats its literal prefix allows (the table's prefix
 * index), and a placeholder is filled only with the words of formats whose prefix agrees with
 * the text before it, since a word can only tie two aliases that both could still match there.
 */
export function findCollisions(index: AliasIndex): string[] {
  const wordsOf = new Map(index.aliases.flatMap((a) => a.formats.map((f) => [f.compiled, literalWords(f.compiled.syntax)] as const)));
  const vocabularies = new Map<string, string[]>();
  const vocabulary = (before: string): string[] => {
    let words = vocabularies.get(before);
    if (!words) {
      words = [...new Set(index.compatible(before).flatMap((c) => wordsOf.get(c.format.compiled) ?? []))];
      vocabularies.set(before, words);
    }
    return words;
  };
  const reported = new Map<string, string>();
  for (const entry of index.aliases) {
    for (const f of entry.formats) {
      for (const text of sampleTexts(f.compiled.syntax, vocabulary)) {
        // A sample its own format rejects is a generator approximation, not evidence.
        if (!f.compiled.accepts(text) || !mayTie(index, text)) continue;
        const top = topMatches(index, text);
        for (let i = 0; i < top.length; i++) {
          for (let j = i + 1; j < top.length; j++) {
            const [a, b] = [top[i]!.alias, top[j]!.alias].sort((x, y) => x.name.localeCompare(y.name));
            if (!a || !b) continue;
            const key = `${a.name}\u0000${b.name}`;
            if (!reported.has(key)) reported.set(key, `aliases "${a.name}" (${a.file}) and "${b.name}" (${b.file}) both match "${text}"`);
          }
        }
      }
    }
  }
  return [...reported.values()];
}
