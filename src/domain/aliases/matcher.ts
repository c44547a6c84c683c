import { normalizeText } from './normalize.js';
import { pairVariants } from './kvpairs.js';
import { applyPairs, compileFormat, type AliasParams, type CompiledFormat } from './format.js';
import { compareSpecificity, type Specificity } from './specificity.js';
import { displayPrefix } from './prefix.js';
import type { AliasDefinition, AliasMatch } from './types.js';

/** An alias with every representation compiled, built once per table. */
export interface CompiledAlias {
  alias: AliasDefinition;
  formats: Array<{ representation: string; display: string; displayPrefix: string; compiled: CompiledFormat }>;
}

export interface RankedMatch extends AliasMatch {
  specificity: Specificity;
}

export function compileAlias(alias: AliasDefinition): CompiledAlias {
  return {
    alias,
    formats: alias.formats.flatMap((f) =>
      f.representation.map((representation) => ({
        representation,
        display: f.display,
        displayPrefix: displayPrefix(f.display),
        compiled: compileFormat(representation),
      })),
    ),
  };
}

/** The alias's most specific matching representation; the earlier one on a tie. */
function bestOfAlias(entry: CompiledAlias, body: string): { format: string; params: AliasParams; specificity: Specificity } | undefined {
  let best: { format: string; params: AliasParams; specificity: Specificity } | undefined;
  for (const f of entry.formats) {
    const capture = f.compiled.matchBody(body);
    if (!capture) continue;
    const specificity = { weight: f.compiled.literalWeight, captured: capture.captured };
    if (!best || compareSpecificity(specificity, best.specificity) > 0) {
      best = { format: f.representation, params: capture.params, specificity };
    }
  }
  return best;
}

/**
 * Every alias tied for most specific on `text` (empty: no match). The pairs split is tried
 * table-wide, most pairs stripped first, so `pack deploy repo force=true` reaches
 * `pack deploy {{repo}}` with force=true rather than `... {{repo}} {{packs}}` with
 * packs="force=true"; only when no alias accepts the text without its pairs are fewer cut.
 */
export function topMatches(aliases: readonly CompiledAlias[], text: string): RankedMatch[] {
  for (const variant of pairVariants(normalizeText(text))) {
    const found: RankedMatch[] = [];
    for (const entry of aliases) {
      const best = bestOfAlias(entry, variant.body);
      if (!best) continue;
      // immutable_parameters join once the match is chosen (immutable.ts), as in StackStorm.
      const params = applyPairs(best.params, variant.pairs);
      found.push({ alias: entry.alias, format: best.format, params, specificity: best.specificity });
    }
    if (found.length === 0) continue;
    found.sort((a, b) => compareSpecificity(b.specificity, a.specificity));
    return found.filter((m) => compareSpecificity(m.specificity, found[0]!.specificity) === 0);
  }
  return [];
}

export function withoutRank({ alias, format, params }: RankedMatch): AliasMatch {
  return { alias, format, params };
}
