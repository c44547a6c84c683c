import { normalizeText } from './normalize.js';
import { pairVariants } from './kvpairs.js';
import { applyPairs, compileFormat, type AliasParams, type CompiledFormat } from './format.js';
import { compareSpecificity, type Specificity } from './specificity.js';
import { displayPrefix } from './prefix.js';
import { PrefixIndex } from './prefix-index.js';
import type { Stats } from './pike.js';
import type { AliasDefinition, AliasMatch } from './types.js';

/** One representation of an alias, compiled. */
export interface CompiledRepresentation {
  representation: string;
  display: string;
  displayPrefix: string;
  compiled: CompiledFormat;
}

/** An alias with every representation compiled, built once per table. */
export interface CompiledAlias {
  alias: AliasDefinition;
  formats: CompiledRepresentation[];
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

interface Candidate {
  entry: CompiledAlias;
  format: CompiledRepresentation;
}

/** The enabled aliases of a table and their representations indexed by literal prefix. */
export class AliasIndex {
  readonly #index = new PrefixIndex<Candidate>();

  constructor(readonly aliases: readonly CompiledAlias[]) {
    for (const entry of aliases) for (const format of entry.formats) this.#index.add(format.compiled.anchoredPrefix, { entry, format });
  }

  /** Representations whose prefix could agree with a text starting with `start` (the collision check's vocabulary). */
  compatible(start: string): Candidate[] {
    return this.#index.compatible(start);
  }

  /** Representations that could match `text` (normalised), in table order. */
  candidates(text: string): Candidate[] {
    return this.#index.candidates(text);
  }
}

/**
 * Every alias tied for most specific on `text` (empty: no match). The pairs split is tried
 * table-wide, most pairs stripped first, so `pack deploy repo force=true` reaches
 * `pack deploy {{repo}}` with force=true rather than `... {{repo}} {{packs}}` with
 * packs="force=true"; only when no alias accepts the text without its pairs are fewer cut.
 * Only representations whose literal prefix the text starts with are tried; each answers for
 * every split in one pass, and captures are taken only where it matched.
 */
export function topMatches(index: AliasIndex, text: string, stats?: Stats): RankedMatch[] {
  const normalized = normalizeText(text);
  const variants = pairVariants(normalized);
  const candidates = index.candidates(normalized).map((c) => ({ ...c, accepts: c.format.compiled.acceptedVariants(normalized, variants, stats) }));
  for (const [v, variant] of variants.entries()) {
    const best = new Map<CompiledAlias, { format: string; params: AliasParams; specificity: Specificity }>();
    // Weight is known without captures and decides first: only the heaviest can be on top.
    let heaviest = -Infinity;
    for (const c of candidates) if (c.accepts[v]) heaviest = Math.max(heaviest, c.format.compiled.literalWeight);
    for (const c of candidates) {
      if (!c.accepts[v] || c.format.compiled.literalWeight < heaviest) continue;
      const capture = c.format.compiled.matchBody(variant.body, stats, true);
      if (!capture) continue;
      const specificity = { weight: c.format.compiled.literalWeight, captured: capture.captured };
      const held = best.get(c.entry);
      // Within an alias the most specific representation wins, the earlier one on a tie.
      if (!held || compareSpecificity(specificity, held.specificity) > 0) best.set(c.entry, { format: c.format.representation, params: capture.params, specificity });
    }
    if (best.size === 0) continue;
    // immutable_parameters join once the match is chosen (immutable.ts), as in StackStorm.
    const found: RankedMatch[] = [...best].map(([entry, b]) => ({ alias: entry.alias, format: b.format, params: applyPairs(b.params, variant.pairs), specificity: b.specificity }));
    found.sort((a, b) => compareSpecificity(b.specificity, a.specificity));
    return found.filter((m) => compareSpecificity(m.specificity, found[0]!.specificity) === 0);
  }
  return [];
}

/**
 * Whether two different aliases could tie at the top on `text`: decided on weights alone
 * (no captures) when a single alias holds the heaviest accepting representation of the first
 * split that any accepts, which is nearly always; the collision check skips those texts.
 */
export function mayTie(index: AliasIndex, text: string): boolean {
  const normalized = normalizeText(text);
  const variants = pairVariants(normalized);
  const candidates = index.candidates(normalized).map((c) => ({ ...c, accepts: c.format.compiled.acceptedVariants(normalized, variants) }));
  for (let v = 0; v < variants.length; v++) {
    let heaviest = -Infinity;
    const aliases = new Set<CompiledAlias>();
    for (const c of candidates) {
      if (!c.accepts[v]) continue;
      const weight = c.format.compiled.literalWeight;
      if (weight > heaviest) aliases.clear();
      if (weight >= heaviest) {
        heaviest = weight;
        aliases.add(c.entry);
      }
    }
    if (aliases.size > 0) return aliases.size > 1;
  }
  return false;
}

export function withoutRank({ alias, format, params }: RankedMatch): AliasMatch {
  return { alias, format, params };
}
