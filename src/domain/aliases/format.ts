/**
 * The StackStorm-compatible format compiler. A format is compiled once, when an alias table is
 * built, to a program that matches as the regex emit.ts writes (flags `is`: literal words
 * match any case, values keep theirs) but cannot backtrack: a lazy DFA answers yes/no for
 * every split of the trailing pairs in one pass (dfa.ts), then a Pike VM takes the captures
 * of the one that matched (pike.ts). Work is bounded by len(text) × len(format) for any
 * format and text. The RegExp is still built, only to report a bad format in the engine's
 * own words. Grammar and examples: README.md in this folder.
 *
 * Three StackStorm defects are fixed on purpose (each has a test in test/aliases):
 *  1. st2#3882: a URL with `=` at the end of a command (`open https://x/?a=b`, `.../?token=`)
 *     was taken as a key=value pair. Keys must be identifiers that start after whitespace,
 *     so a URL is never a pair (kvpairs.ts).
 *  2. st2#5074: a value containing `=` failed the whole parse (`echo foo=bar` against
 *     `echo {{message}}` "doesn't match"). The text is tried with all trailing pairs
 *     stripped, then fewer, down to none; the first variant the format matches wins.
 *  3. Trailing whitespace defeated a default (`pack status ` gave a blank value). Text is
 *     trimmed, a placeholder's group owns the space before it, and an empty capture falls
 *     back to the default (matchBody below).
 */
import { PackbotError } from '../../core/errors.js';
import { normalizeText } from './normalize.js';
import { pairVariants, type KeyValuePair, type PairVariant } from './kvpairs.js';
import { parseSyntax, type FormatSyntax } from './syntax.js';
import { emitSource } from './emit.js';
import { literalWeight } from './specificity.js';
import { anchoredPrefix, literalPrefix } from './prefix.js';
import { compileProgram, type Program } from './program.js';
import { pikeMatch, type Stats } from './pike.js';
import { Dfa } from './dfa.js';
import type { Placeholder } from './placeholder.js';

/**
 * Params as StackStorm returns them: a string, or null for a param the text didn't reach and
 * that has no default (a placeholder in an alternative not taken, an own named group that
 * didn't take part), as Python's `groupdict()` gives None.
 */
export type AliasParams = Record<string, string | null>;

/** What one format captured from a text (pairs not applied yet). */
export interface FormatCapture {
  params: AliasParams;
  /** Params whose value came from the text rather than a default. */
  captured: number;
}

interface ParamSlot {
  name: string;
  defaultValue: string | undefined;
  /** Group numbers of the value kinds (dq, sq, obj, bare). */
  groups: number[];
}

export class CompiledFormat {
  readonly format: string;
  readonly source: string;
  readonly regex: RegExp;
  readonly paramNames: readonly string[];
  readonly literalWeight: number;
  /** Lower-cased literal text before the first placeholder or regex construct. */
  readonly literalPrefix: string;
  /** Case-folded text every match must start with (after blanks), or null: see prefix.ts. */
  readonly anchoredPrefix: string | null;
  readonly syntax: FormatSyntax;
  readonly program: Program;
  readonly #dfa: Dfa | undefined;
  readonly #slots: ParamSlot[];
  /** StackStorm matches `" " + text + " "`: sides the format anchors itself are not padded. */
  readonly #padStart: string;
  readonly #padEnd: string;

  constructor(format: string) {
    this.format = format;
    this.syntax = parseSyntax(format);
    this.source = emitSource(this.syntax);
    try {
      // Not used to match (it could backtrack): it reports a bad format in the engine's words.
      this.regex = new RegExp(this.source, 'is');
    } catch (err) {
      throw new PackbotError('alias_format_invalid', `Format "${format}" is not a valid regular expression: ${(err as Error).message}.`, { cause: err });
    }
    this.program = compileProgram(this.syntax);
    this.#dfa = this.program.regular ? new Dfa(this.program) : undefined;
    this.#slots = this.syntax.params.map((p) => slotFor(p, this.program));
    this.paramNames = [...this.syntax.params.map((p) => p.name), ...this.syntax.groupNames];
    this.literalWeight = Math.min(...this.syntax.alternatives.map(literalWeight));
    this.literalPrefix = literalPrefix(this.syntax);
    this.anchoredPrefix = anchoredPrefix(this.syntax);
    this.#padStart = this.syntax.ownStart ? '' : ' ';
    this.#padEnd = this.syntax.ownEnd ? '' : ' ';
  }

  /**
   * Matches text that is already normalised and has its trailing pairs cut off. Like
   * StackStorm, the text is matched with a space on each side the format doesn't anchor
   * itself, so a construct next to an omitted optional param still finds the blank it needs:
   * `{{p0=x}} g ...` matches `g ...`, and the `.` of `skip {{e=y}}.` matches `skip`.
   * Values never include that padding. `accepted`: acceptedVariants already said yes to this
   * body (parse, the table's matcher), so the DFA is not run over it a second time.
   */
  matchBody(body: string, stats?: Stats, accepted = false): FormatCapture | null {
    const text = this.#padStart + body + this.#padEnd;
    // The DFA's no is cheap and common (a table tries most formats on every message).
    if (!accepted && this.#dfa && !this.#dfa.scan(text, [], '', stats ?? { steps: 0 }).full) return null;
    const caps = pikeMatch(this.program, text, stats);
    if (!caps) return null;
    const span = (g: number): [number, number] | undefined => (caps[2 * g]! >= 0 && caps[2 * g + 1]! >= 0 ? [caps[2 * g]!, caps[2 * g + 1]!] : undefined);
    const params: AliasParams = {};
    let captured = 0;
    for (const slot of this.#slots) {
      let value: string | undefined;
      for (const g of slot.groups) {
        const s = span(g);
        if (s) {
          value = text.slice(s[0], s[1]);
          break;
        }
      }
      // Fixed StackStorm defect: an empty capture (`""`, or what trailing blanks used to
      // leave behind) falls back to the default instead of becoming the value.
      if (value !== undefined && value.trim() !== '') {
        params[slot.name] = value;
        captured++;
      } else if (slot.defaultValue !== undefined) params[slot.name] = slot.defaultValue;
      else params[slot.name] = value ?? null;
    }
    const lo = this.#padStart.length;
    const hi = text.length - this.#padEnd.length;
    for (const name of this.syntax.groupNames) {
      const s = span(this.program.groupByName.get(name)!);
      if (!s) {
        params[name] = null;
        continue;
      }
      params[name] = text.slice(Math.max(s[0], lo), Math.max(Math.min(s[1], hi), lo));
      captured++;
    }
    return { params, captured };
  }

  /**
   * Which of the pairs splits of `text` (normalised; `variants` from pairVariants, in order)
   * this format accepts. One pass for all of them where the format is regular; otherwise
   * (lookarounds, backreferences) one bounded run per split.
   */
  acceptedVariants(text: string, variants: readonly PairVariant[], stats?: Stats): boolean[] {
    // The collision check asks a format about a sample, then the table asks it again. Not
    // when counting steps: a count must be of the work.
    if (!stats && this.#lastAnswer?.text === text) return this.#lastAnswer.accepted;
    const accepted = this.#acceptedVariants(text, variants, stats ?? { steps: 0 });
    this.#lastAnswer = { text, accepted };
    return accepted;
  }

  #lastAnswer: { text: string; accepted: boolean[] } | undefined;

  #acceptedVariants(text: string, variants: readonly PairVariant[], stats: Stats): boolean[] {
    if (!this.#dfa) return variants.map((v) => pikeMatch(this.program, this.#padStart + v.body + this.#padEnd, stats) !== null);
    const cuts = variants.slice(0, -1).map((v) => this.#padStart.length + v.body.length);
    const scan = this.#dfa.scan(this.#padStart + text + this.#padEnd, cuts, this.#padEnd, stats);
    return [...scan.cuts, scan.full];
  }

  /** Whether `parse` would return params, without taking captures. */
  accepts(text: string, stats?: Stats): boolean {
    const normalized = normalizeText(text);
    return this.acceptedVariants(normalized, pairVariants(normalized), stats).includes(true);
  }

  /** Params for `text`, or null. Tries every pairs split, most pairs stripped first. */
  parse(text: string, stats?: Stats): AliasParams | null {
    const normalized = normalizeText(text);
    const variants = pairVariants(normalized);
    const first = this.acceptedVariants(normalized, variants, stats).indexOf(true);
    if (first === -1) return null;
    const variant = variants[first]!;
    const capture = this.matchBody(variant.body, stats, true);
    return capture && applyPairs(capture.params, variant.pairs);
  }
}

function slotFor(p: Placeholder, program: Program): ParamSlot {
  return { name: p.name, defaultValue: p.defaultValue, groups: program.paramGroups[p.index]! };
}

/** Pairs set or override params, including ones the format captured. */
export function applyPairs(params: AliasParams, pairs: readonly KeyValuePair[]): AliasParams {
  const out = { ...params };
  for (const pair of pairs) out[pair.key] = pair.value;
  return out;
}

export function compileFormat(format: string): CompiledFormat {
  return new CompiledFormat(format);
}

/** StackStorm's `extract_parameters`: params, or an error with StackStorm's exact wording. */
export function parseFormat(format: string, text: string): AliasParams {
  const params = compileFormat(format).parse(text);
  if (params === null) {
    throw new PackbotError('alias_no_match', `Command "${text}" doesn't match format string "${format}"`);
  }
  // StackStorm refuses a blank command that leaves every param of a format empty.
  if (format !== '' && normalizeText(text).trim() === '' && !Object.values(params).some((v) => v)) {
    throw new PackbotError('alias_no_match', 'No value supplied and no default value found.');
  }
  return params;
}
