import { matchingBrace } from './placeholder.js';

/**
 * Trailing `key=value` pairs, StackStorm's way to pass parameters a format doesn't name.
 * Two StackStorm defects are fixed here by construction:
 *  - st2#3882: keys must be identifiers and start after whitespace, so a URL such as
 *    `https://example.com/?token=` is never mistaken for a pair.
 *  - st2#5074: a value like `foo=bar` is not forced to be a pair; callers get every way of
 *    splitting the text (all pairs stripped first, then fewer, down to none) and take the
 *    first one a format accepts.
 * The scan is hand-written: matching must not build regexes, and quoted words must shield
 * any `=` inside them.
 */
export interface KeyValuePair {
  key: string;
  value: string;
  /** Offset of the key in the text; stripping the pair cuts the text here. */
  start: number;
}

export interface PairVariant {
  /** The text the format must match. */
  body: string;
  /** Pairs cut from the end of the text, applied over the captured params. */
  pairs: KeyValuePair[];
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isKeyStart = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isKeyChar = (c: string | undefined) => isKeyStart(c) || (c !== undefined && c >= '0' && c <= '9');
const atBoundary = (text: string, i: number) => i >= text.length || isSpace(text[i]);

function wordEnd(text: string, i: number): number {
  while (i < text.length && !isSpace(text[i])) i++;
  return i;
}

function readValue(text: string, i: number): { value: string; end: number } | null {
  const c = text[i];
  if (c === '"' || c === "'") {
    const close = text.indexOf(c, i + 1);
    if (close !== -1 && atBoundary(text, close + 1)) return { value: text.slice(i + 1, close), end: close + 1 };
  } else if (c === '{') {
    const close = matchingBrace(text, i);
    if (close !== -1 && atBoundary(text, close + 1)) return { value: text.slice(i, close + 1), end: close + 1 };
  }
  // Bare values run to the next space and may contain `=` themselves (`sha=a=b`).
  const end = wordEnd(text, i);
  return end > i ? { value: text.slice(i, end), end } : null;
}

function readPair(text: string, start: number): { pair: KeyValuePair; end: number } | null {
  if (!isKeyStart(text[start])) return null;
  let i = start + 1;
  while (isKeyChar(text[i])) i++;
  if (text[i] !== '=') return null;
  const value = readValue(text, i + 1);
  if (!value) return null;
  return { pair: { key: text.slice(start, i), value: value.value, start }, end: value.end };
}

/** Skips a word that is not a pair; a quoted or braced word is skipped whole so its `=` stay inside. */
function skipWord(text: string, i: number): number {
  const c = text[i];
  const close = c === '"' || c === "'" ? text.indexOf(c, i + 1) : c === '{' ? matchingBrace(text, i) : -1;
  return wordEnd(text, close === -1 ? i : close);
}

/** The maximal run of pairs at the end of the text, in order. */
export function trailingPairs(text: string): KeyValuePair[] {
  let run: KeyValuePair[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSpace(text[i])) {
      i++;
      continue;
    }
    const read = readPair(text, i);
    if (read) {
      run.push(read.pair);
      i = read.end;
    } else {
      run = [];
      i = skipWord(text, i);
    }
  }
  return run;
}

/** Every way to split `text` into body + trailing pairs, most pairs stripped first. */
export function pairVariants(text: string): PairVariant[] {
  const pairs = trailingPairs(text);
  const variants: PairVariant[] = [];
  for (let first = 0; first < pairs.length; first++) {
    variants.push({ body: text.slice(0, pairs[first]!.start).trimEnd(), pairs: pairs.slice(first) });
  }
  variants.push({ body: text, pairs: [] });
  return variants;
}
