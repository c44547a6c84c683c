import type { AliasParams, CompiledFormat } from '../../src/domain/aliases/index.js';
import { applyPairs } from '../../src/domain/aliases/format.js';
import { pairVariants } from '../../src/domain/aliases/kvpairs.js';
import { normalizeText } from '../../src/domain/aliases/normalize.js';
import { groupName, VALUE_KINDS } from '../../src/domain/aliases/emit.js';

/**
 * The matcher packbot used before the linear engine: the format's emitted RegExp (`source`),
 * run by the native backtracking engine on each pairs split in turn. Kept here only as the
 * reference the property test compares with, on texts short enough to be safe.
 */
export function referenceParse(f: CompiledFormat, text: string): AliasParams | null {
  const regex = new RegExp(f.source, 'dis');
  const padStart = f.syntax.ownStart ? '' : ' ';
  const padEnd = f.syntax.ownEnd ? '' : ' ';
  for (const variant of pairVariants(normalizeText(text))) {
    const padded = padStart + variant.body + padEnd;
    const m = regex.exec(padded);
    if (!m) continue;
    const groups = m.groups ?? {};
    const params: AliasParams = {};
    for (const p of f.syntax.params) {
      let value: string | undefined;
      for (const kind of VALUE_KINDS) {
        value = groups[groupName(p.index, kind)];
        if (value !== undefined) break;
      }
      if (value !== undefined && value.trim() !== '') params[p.name] = value;
      else if (p.defaultValue !== undefined) params[p.name] = p.defaultValue;
      else params[p.name] = value ?? null;
    }
    const lo = padStart.length;
    const hi = padded.length - padEnd.length;
    for (const name of f.syntax.groupNames) {
      const span = m.indices?.groups?.[name];
      params[name] = span ? padded.slice(Math.max(span[0], lo), Math.max(Math.min(span[1], hi), lo)) : null;
    }
    return applyPairs(params, variant.pairs);
  }
  return null;
}
