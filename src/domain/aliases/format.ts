/**
 * The StackStorm-compatible format compiler. A format is compiled to one RegExp (flags `is`:
 * literal words match any case, values keep theirs) when an alias table is built; matching
 * only runs that RegExp. Grammar and examples: README.md in this folder.
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
import { pairVariants, type KeyValuePair } from './kvpairs.js';
import { parseSyntax, type FormatSyntax } from './syntax.js';
import { emitSource, groupName, VALUE_KINDS } from './emit.js';
import { literalWeight } from './specificity.js';
import { literalPrefix } from './prefix.js';
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
  groups: string[];
}

export class CompiledFormat {
  readonly format: string;
  readonly source: string;
  readonly regex: RegExp;
  readonly paramNames: readonly string[];
  readonly literalWeight: number;
  /** Lower-cased literal text before the first placeholder or regex construct. */
  readonly literalPrefix: string;
  readonly syntax: FormatSyntax;
  readonly #slots: ParamSlot[];
  /** StackStorm matches `" " + text + " "`: sides the format anchors itself are not padded. */
  readonly #padStart: string;
  readonly #padEnd: string;

  constructor(format: string) {
    this.format = format;
    this.syntax = parseSyntax(format);
    this.source = emitSource(this.syntax);
    try {
      // `d` (match indices) only where an own group could reach into the padding (see matchBody).
      this.regex = new RegExp(this.source, this.syntax.groupNames.length > 0 ? 'dis' : 'is');
    } catch (err) {
      throw new PackbotError('alias_format_invalid', `Format "${format}" is not a valid regular expression: ${(err as Error).message}.`, { cause: err });
    }
    this.#slots = this.syntax.params.map(slotFor);
    this.paramNames = [...this.syntax.params.map((p) => p.name), ...this.syntax.groupNames];
    this.literalWeight = Math.min(...this.syntax.alternatives.map(literalWeight));
    this.literalPrefix = literalPrefix(this.syntax);
    this.#padStart = this.syntax.ownStart ? '' : ' ';
    this.#padEnd = this.syntax.ownEnd ? '' : ' ';
  }

  /**
   * Matches text that is already normalised and has its trailing pairs cut off. Like
   * StackStorm, the text is matched with a space on each side the format doesn't anchor
   * itself, so a construct next to an omitted optional param still finds the blank it needs:
   * `{{p0=x}} g ...` matches `g ...`, and the `.` of `skip {{e=y}}.` matches `skip`.
   * Values never include that padding.
   */
  matchBody(body: string): FormatCapture | null {
    const text = this.#padStart + body + this.#padEnd;
    const m = this.regex.exec(text);
    if (!m) return null;
    const groups = m.groups ?? {};
    const params: AliasParams = {};
    let captured = 0;
    for (const slot of this.#slots) {
      let value: string | undefined;
      for (const g of slot.groups) {
        value = groups[g];
        if (value !== undefined) break;
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
      const span = m.indices?.groups?.[name];
      if (!span) {
        params[name] = null;
        continue;
      }
      params[name] = text.slice(Math.max(span[0], lo), Math.max(Math.min(span[1], hi), lo));
      captured++;
    }
    return { params, captured };
  }

  /** Params for `text`, or null. Tries every pairs split, most pairs stripped first. */
  parse(text: string): AliasParams | null {
    for (const variant of pairVariants(normalizeText(text))) {
      const capture = this.matchBody(variant.body);
      if (capture) return applyPairs(capture.params, variant.pairs);
    }
    return null;
  }
}

function slotFor(p: Placeholder): ParamSlot {
  return { name: p.name, defaultValue: p.defaultValue, groups: VALUE_KINDS.map((kind) => groupName(p.index, kind)) };
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
