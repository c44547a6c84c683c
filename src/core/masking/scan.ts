/**
 * One masking pass (a "stage"): a global regular expression whose every match is replaced.
 * The same stage masks a whole text or a stream of chunks, and a stream gives exactly the
 * whole text's result: a match starting at position s is decided by the text from s - LOOKBEHIND
 * to s + maxLength + LOOKAHEAD, so everything more than that before the end of what has
 * arrived is final and is emitted; the rest is held back until the next chunk or the end.
 */

export interface Stage {
  /** The current pattern (global flag), or null when there is nothing to mask. */
  regex(): RegExp | null;
  /** An upper bound on the length of any match of regex(). */
  maxLength(): number;
  replace(match: RegExpExecArray): string;
}

/** Characters a pattern may inspect before a match (lookbehind, \b). */
const LOOKBEHIND = 16;
/** Characters a pattern may inspect after a match (lookahead, \b). */
const LOOKAHEAD = 2;

export function applyStage(stage: Stage, text: string): string {
  const re = stage.regex();
  if (!re) return text;
  re.lastIndex = 0;
  let out = '';
  let pos = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out += text.slice(pos, m.index) + stage.replace(m);
    pos = m.index + m[0].length;
    if (m[0].length === 0) re.lastIndex += 1;
  }
  return pos === 0 ? text : out + text.slice(pos);
}

export class StageStream {
  readonly #stage: Stage;
  /** The last input characters before #pending, already emitted: lookbehind context. */
  #context = '';
  #pending = '';
  /** Scan only once this many new characters beyond the hold wait, so tiny chunks stay linear. */
  readonly #minAdvance: number;

  constructor(stage: Stage, minAdvance = 1024) {
    this.#stage = stage;
    this.#minAdvance = minAdvance;
  }

  /** Masked text that is final; a tail is kept until more arrives. */
  push(chunk: string): string {
    this.#pending += chunk;
    if (this.#pending.length < this.#hold() + this.#minAdvance) return '';
    return this.#process(false);
  }

  /** The rest, masked: call once the input has ended. */
  end(): string {
    return this.#pending === '' ? '' : this.#process(true);
  }

  /** How many characters are held back now. */
  get held(): number {
    return this.#pending.length;
  }

  #hold(): number {
    return this.#stage.maxLength() + LOOKAHEAD;
  }

  #process(final: boolean): string {
    const buf = this.#context + this.#pending;
    const base = this.#context.length;
    // A match starting before `limit` lies (with its lookahead) wholly inside buf.
    const limit = final ? buf.length : buf.length - this.#hold();
    let out = '';
    let pos = base;
    const re = this.#stage.regex();
    if (re && limit > base) {
      re.lastIndex = base;
      for (let m = re.exec(buf); m !== null && m.index < limit; m = re.exec(buf)) {
        out += buf.slice(pos, m.index) + this.#stage.replace(m);
        pos = m.index + m[0].length;
        if (m[0].length === 0) re.lastIndex += 1;
      }
    }
    const cut = Math.max(pos, limit);
    out += buf.slice(pos, cut);
    this.#pending = buf.slice(cut);
    this.#context = buf.slice(Math.max(0, cut - LOOKBEHIND), cut);
    return out;
  }
}
