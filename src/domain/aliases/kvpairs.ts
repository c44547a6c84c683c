
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

/**
 * placeholder.ts's matchingBrace for every `{` of one text, in linear time overall: a scan from
 * one `{` settles every `{` it meets in step (same quotes skipped) with a stack, so a text
 * full of unclosed braces is not scanned to its end once per brace. Exported for its test.
 */
export function braceMatcher(text: string, stats?: { steps: number }): (open: number) => number {
  const memo = new Map<number, number>();
  return (open) => {
    const known = memo.get(open);
    if (known !== undefined) return known;
    const stack: number[] = [];
    for (let i = open; i < text.length; i++) {
      // Characters looked at, a quoted run's included: tests hold this linear in the text.
      if (stats) stats.steps++;
      const c = text[i];
      if (c === '"') {
        const close = text.indexOf('"', i + 1);
        if (stats) stats.steps += (close === -1 ? text.length : close) - i;
        if (close === -1) break;
        i = close;
      } else if (c === '{') stack.push(i);
      else if (c === '}') {
        memo.set(stack.pop()!, i);
        if (stack.length === 0) break;
      }
    }
    for (const o of stack) memo.set(o, -1);
    return memo.get(open)!;
  };
}

type Braces = (open: number) => number;

function wordEnd(text: string, i: number): number {
  while (i < text.length && !isSpace(text[i])) i++;
  return i;
}

function readValue(text: string, i: number, matchingBrace: Braces): { value: string; end: number } | null {
  const c = text[i];
  if (c === '"' || c === "'") {
    const close = text.indexOf(c, i + 1);
    if (close !== -1 && atBoundary(text, close + 1)) return { value: text.slice(i + 1, close), end: close + 1 };
  } else if (c === '{') {
    const close = matchingBrace(i);
    if (close !== -1 && atBoundary(text, close + 1)) return { value: text.slice(i, close + 1), end: close + 1 };
  }
  // Bare values run to the next space and may contain `=` themselves (`sha=a=b`).
  const end = wordEnd(text, i);
  return end > i ? { value: text.slice(i, end), end } : null;
}

function readPair(text: string, start: number, braces: Braces): { pair: KeyValuePair; end: number } | null {
  if (!isKeyStart(text[start])) return null;
  let i = start + 1;
  while (isKeyChar(text[i])) i++;
  if (text[i] !== '=') return null;
  const value = readValue(text, i + 1, braces);
  if (!value) return null;
  return { pair: { key: text.slice(start, i), value: value.value, start }, end: value.end };
}

/** Skips a word that is not a pair; a quoted or braced word is skipped whole so its `=` stay inside. */
function skipWord(text: string, i: number, braces: Braces): number {
  const c = text[i];
  const close = c === '"' || c === "'" ? text.indexOf(c, i + 1) : c === '{' ? braces(i) : -1;
  return wordEnd(text, close === -1 ? i : close);
}

/** The maximal run of pairs at the end of the text, in order. */
export function trailingPairs(text: string, stats?: { steps: number }): KeyValuePair[] {
  let run: KeyValuePair[] = [];
  let i = 0;
  const braces = braceMatcher(text, stats);
  while (i < text.length) {
    if (isSpace(text[i])) {
      i++;
      continue;
    }
    const read = readPair(text, i, braces);
    if (read) {
      run.push(read.pair);
      i = read.end;
    } else {
      run = [];
      i = skipWord(text, i, braces);
    }
  }
  return run;
}

/** Every way to split `text` into body + trailing pairs, most pairs stripped first. */
export function pairVariants(text: string): PairVariant[] {
  const pairs = trailingPairs(text);
  const variants: PairVariant[] = [];
  for (let first = 0; first < pairs.length; first++) {
    // Pairs are copied only for the variant used: copying each would cost O(pairs²).
    variants.push({
      body: text.slice(0, pairs[first]!.start).trimEnd(),
      get pairs() {
        return pairs.slice(first);
      },
    });
  }
  variants.push({ body: text, pairs: [] });
  return variants;
}
