export interface SplitOptions {
  maxLength: number;
  maxMessages: number;
  /** Appended to the truncation notice, e.g. "see `pack history 42`". */
  moreHint?: string;
}

export const CONTINUED = '(continued)';
const FENCE = /^\s*```/;
const CLOSE = '```';

interface Chunk {
  /** The fence line we were inside when this chunk started (reopened at its top). */
  openAtStart: string | null;
  lines: string[];
}

function fenceAfter(openAtStart: string | null, lines: readonly string[]): string | null {
  let open = openAtStart;
  for (const line of lines) if (FENCE.test(line)) open = open ? null : line.trim();
  return open;
}

/** The chunk as sent: continuation marker, reopened fence, its lines, closing fence. */
function render(chunk: Chunk, first: boolean): string {
  const head = first ? [] : [CONTINUED, ...(chunk.openAtStart ? [chunk.openAtStart] : [])];
  const tail = fenceAfter(chunk.openAtStart, chunk.lines) ? [CLOSE] : [];
  return [...head, ...chunk.lines, ...tail].join('\n');
}

/**
 * Splits long output into messages within a platform's limit, on line boundaries where it
 * can. A code block cut in two is closed at the end of one message and reopened (same
 * language) in the next, so each message renders on its own; later messages start with a
 * "continued" marker. Past `maxMessages` the rest is summarised in one line.
 */
export function splitMessage(text: string, opts: SplitOptions): string[] {
  if (text.length <= opts.maxLength) return [text];
  // Leave room for the marker, a reopened fence line and a closing fence.
  const lines = hardWrap(text.split('\n'), Math.max(20, Math.floor(opts.maxLength / 2)));
  const chunks: Chunk[] = [{ openAtStart: null, lines: [] }];
  for (const line of lines) {
    const chunk = chunks[chunks.length - 1] as Chunk;
    const candidate = { ...chunk, lines: [...chunk.lines, line] };
    if (chunk.lines.length > 0 && render(candidate, chunks.length === 1).length + CLOSE.length + 1 > opts.maxLength) {
      chunks.push({ openAtStart: fenceAfter(chunk.openAtStart, chunk.lines), lines: [line] });
    } else {
      chunk.lines.push(line);
    }
  }
  const notice = chunks.length > opts.maxMessages ? truncate(chunks, lines.length, opts) : null;
  const out = chunks.map((c, i) => render(c, i === 0));
  if (notice) out[out.length - 1] += `\n${notice}`;
  return out;
}

/** Drops chunks past the cap and lines from the last kept one until the notice fits. */
function truncate(chunks: Chunk[], total: number, opts: SplitOptions): string {
  chunks.length = opts.maxMessages;
  const last = chunks[chunks.length - 1] as Chunk;
  const shown = () => chunks.reduce((n, c) => n + c.lines.length, 0);
  const notice = () => {
    const rest = total - shown();
    return `… ${rest} more line${rest === 1 ? '' : 's'}${opts.moreHint ? ` — ${opts.moreHint}` : ''}`;
  };
  while (last.lines.length > 1 && render(last, chunks.length === 1).length + 1 + notice().length > opts.maxLength) last.lines.pop();
  return notice();
}

function hardWrap(lines: string[], width: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line.length <= width) {
      out.push(line);
      continue;
    }
    // Never between the two halves of a surrogate pair (an emoji would turn into two "?").
    for (let i = 0; i < line.length; ) {
      let end = Math.min(line.length, i + width);
      const code = line.charCodeAt(end - 1);
      if (end < line.length && code >= 0xd800 && code <= 0xdbff) end -= 1;
      out.push(line.slice(i, end));
      i = end;
    }
  }
  return out;
}
