import { topMatches, type CompiledAlias } from './matcher.js';
import { literalWords, sampleTexts } from './samples.js';

/**
 * Finds pairs of different aliases that can match the same text with neither strictly more
 * specific: every such text would get an "ambiguous" reply. Each representation's sample
 * texts are run through the real matcher, so the check and chat agree by construction.
 * Only a witness per pair is reported; shadowing (one alias always winning) is not a collision.
 */
export function findCollisions(aliases: readonly CompiledAlias[]): string[] {
  const vocabulary = [...new Set(aliases.flatMap((a) => a.formats.flatMap((f) => literalWords(f.compiled.syntax))))];
  const reported = new Map<string, string>();
  for (const entry of aliases) {
    for (const f of entry.formats) {
      for (const text of sampleTexts(f.compiled.syntax, vocabulary)) {
        // A sample its own format rejects is a generator approximation, not evidence.
        if (f.compiled.parse(text) === null) continue;
        const top = topMatches(aliases, text);
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
