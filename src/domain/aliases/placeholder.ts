import { PackbotError } from '../../core/errors.js';

/** One `{{name}}` or `{{name=default}}` slot of a format, numbered in order of appearance. */
export interface Placeholder {
  index: number;
  name: string;
  /** Absent for required params; `''` for `{{x=""}}` or `{{x=}}`. */
  defaultValue?: string;
}

export function formatInvalid(format: string, reason: string): PackbotError {
  return new PackbotError('alias_format_invalid', `Format "${format}" is invalid: ${reason}.`);
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

function skipSpaces(src: string, i: number): number {
  while (isSpace(src[i])) i++;
  return i;
}

/** Index of the `}` closing the `{` at `open`, skipping braces inside double quotes; -1 if none. */
export function matchingBrace(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      const close = src.indexOf('"', i + 1);
      if (close === -1) return -1;
      i = close;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Reads the placeholder starting at `start` (which points at `{{`). StackStorm accepts
 * whitespace around the name and `=`, and defaults that are quoted, `{...}` objects (kept
 * with their braces, as StackStorm passes them on) or bare text up to `}}`.
 */
export function readPlaceholder(src: string, start: number, index: number): { placeholder: Placeholder; end: number } {
  const column = start + 1;
  let i = skipSpaces(src, start + 2);
  const nameStart = i;
  while (i < src.length && !isSpace(src[i]) && !'{}='.includes(src[i]!)) i++;
  const name = src.slice(nameStart, i);
  if (name === '') throw formatInvalid(src, `placeholder at column ${column} has no name`);
  i = skipSpaces(src, i);

  let defaultValue: string | undefined;
  if (src[i] === '=') {
    i = skipSpaces(src, i + 1);
    const c = src[i];
    if (c === '"' || c === "'") {
      const close = src.indexOf(c, i + 1);
      if (close === -1) throw formatInvalid(src, `default of "${name}" has an unterminated ${c} quote`);
      defaultValue = src.slice(i + 1, close);
      i = close + 1;
    } else if (c === '{') {
      const close = matchingBrace(src, i);
      if (close === -1) throw formatInvalid(src, `default of "${name}" has an unbalanced "{"`);
      defaultValue = src.slice(i, close + 1);
      i = close + 1;
    } else {
      const close = src.indexOf('}}', i);
      if (close === -1) throw formatInvalid(src, `placeholder "${name}" at column ${column} is not closed with "}}"`);
      defaultValue = src.slice(i, close).trim();
      i = close;
    }
    i = skipSpaces(src, i);
  }
  if (!src.startsWith('}}', i)) {
    throw formatInvalid(src, `placeholder "${name}" at column ${column} is not closed with "}}"`);
  }
  const placeholder: Placeholder = defaultValue === undefined ? { index, name } : { index, name, defaultValue };
  return { placeholder, end: i + 2 };
}
