import { normalizeText } from './normalize.js';
import { AliasIndex, compileAlias, topMatches, withoutRank } from './matcher.js';
import { Suggester } from './closest.js';
import { findCollisions } from './collisions.js';
import { injectImmutableParameters } from './immutable.js';
import type { AliasDefinition, MatchResult } from './types.js';

/**
 * The bot's vocabulary, compiled once. Construction compiles every representation (throwing
 * `alias_format_invalid` on a bad one) and runs the collision check; `match` only executes
 * the compiled regexes, and throws `alias_immutable_override` for a command that sets one of
 * its alias's immutable_parameters (StackStorm refuses it too). Disabled aliases are kept in `definitions` (help lists them) but
 * never match, are never suggested and are left out of the collision check.
 */
export class AliasTable {
  readonly definitions: readonly AliasDefinition[];
  readonly #enabled: AliasIndex;
  readonly #collisions: readonly string[];
  readonly #suggester: Suggester;

  constructor(definitions: AliasDefinition[]) {
    this.definitions = Object.freeze([...definitions]);
    this.#enabled = new AliasIndex(definitions.filter((d) => d.enabled).map(compileAlias));
    this.#collisions = Object.freeze(findCollisions(this.#enabled));
    this.#suggester = new Suggester(this.#enabled.aliases);
  }

  match(text: string): MatchResult {
    const top = topMatches(this.#enabled, text);
    if (top.length === 1) {
      const match = withoutRank(top[0]!);
      // Throws `alias_immutable_override` when the command names an immutable parameter.
      return { kind: 'match', match: { ...match, params: injectImmutableParameters(match.alias, match.params) } };
    }
    if (top.length > 1) return { kind: 'ambiguous', candidates: top.map(withoutRank) };
    const closest = this.#suggester.closest(normalizeText(text));
    return closest ? { kind: 'none', closest } : { kind: 'none' };
  }

  /** Readable lines, one per pair of aliases that can tie on some text; computed at construction. */
  collisions(): string[] {
    return [...this.#collisions];
  }
}
