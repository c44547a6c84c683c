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

/** What one format captured from a text (pairs not applied yet). */
export interface FormatCapture {
  params: Record<string, string>;
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

  constructor(format: string) {
    this.format = format;
    this.syntax = parseSyntax(format);
    this.source = emitSource(this.syntax);
    try {
      this.regex = new RegExp(this.source, 'is');
    } catch (err) {
      throw new PackbotError('alias_format_invalid', `Format "${format}" is not a valid regular expression: ${(err as Error).message}.`, { cause: err });
    }
    this.#slots = this.syntax.params.map(slotFor);
    this.paramNames = [...this.syntax.params.map((p) => p.name), ...this.syntax.groupNames];
    this.literalWeight = Math.min(...this.syntax.alternatives.map(literalWeight));
    this.literalPrefix = literalPrefix(this.syntax);
  }

  /** Matches text that is already normalised and has its trailing pairs cut off. */
  matchBody(body: string): FormatCapture | null {
    const m = this.regex.exec(body);
    if (!m) return null;
    const groups = m.groups ?? {};
    const params: Record<string, string> = {};
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
      else if (value !== undefined) params[slot.name] = value;
    }
    for (const name of this.syntax.groupNames) {
      const value = groups[name];
      if (value === undefined) continue;
      params[name] = value;
      captured++;
    }
    return { params, captured };
  }

  /** Params for `text`, or null. Tries every pairs split, most pairs stripped first. */
  parse(text: string): Record<string, string> | null {
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
export function applyPairs(params: Record<string, string>, pairs: readonly KeyValuePair[]): Record<string, string> {
  const out = { ...params };
  for (const pair of pairs) out[pair.key] = pair.value;
  return out;
}

export function compileFormat(format: string): CompiledFormat {
  return new CompiledFormat(format);
}

/** StackStorm's `extract_parameters`: params, or an error with StackStorm's exact wording. */
export function parseFormat(format: string, text: string): Record<string, string> {
  const params = compileFormat(format).parse(text);
  if (params === null) {
    throw new PackbotError('alias_no_match', `Command "${text}" doesn't match format string "${format}"`);
  }
  return params;
}
