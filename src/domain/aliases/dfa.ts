import { isWordCode } from './chars.js';
import type { Program } from './program.js';
import type { Stats } from './pike.js';

/**
 * Yes/no matching without captures, as a lazily built DFA over a program without lookarounds
 * or backreferences (program.regular): each state is the set of threads alive after a prefix,
 * and each transition is computed once, then looked up. A text costs one lookup per character
 * plus, the first time a state meets a character, one closure (≤ len(program) steps).
 *
 * `scan` also answers for prefixes of the text in the same pass: the text with its trailing
 * key=value pairs cut off is a prefix plus padding, so every split of the pairs costs O(1)
 * more instead of another pass (kvpairs.ts, format.ts).
 */
interface DState {
  /** Threads waiting on a character (char instructions). */
  pcs: number[];
  match: boolean;
  next: Map<number, DState>;
}

/** Next-character classes: the only thing `^`, `$`, `\b`, `\B` see beyond the consumed character. */
const END = 0;
const WORD = 1;
const OTHER = 2;
const classOf = (text: string, pos: number) => (pos >= text.length ? END : isWordCode(text.charCodeAt(pos)) ? WORD : OTHER);
/** Cached states per format; past this the cache starts over (each text still runs in O(n)). */
const MAX_STATES = 4096;

export class Dfa {
  #states = new Map<string, DState>();
  #initial = new Map<number, DState>();
  readonly #mark: Int32Array;
  #generation = 0;

  constructor(readonly program: Program) {
    this.#mark = new Int32Array(program.insts.length);
  }

  #closure(seeds: number[], atStart: boolean, prevWord: boolean, nextClass: number, stats: Stats): DState {
    const { insts } = this.program;
    const mark = this.#mark;
    const generation = ++this.#generation;
    const pcs: number[] = [];
    let match = false;
    const stack = seeds.slice().reverse();
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (mark[pc] === generation) continue;
      mark[pc] = generation;
      stats.steps++;
      const inst = insts[pc]!;
      switch (inst.op) {
        case 'jmp':
          stack.push(inst.x);
          break;
        case 'split':
          stack.push(inst.y, inst.x);
          break;
        case 'save':
        case 'reset':
          stack.push(pc + 1);
          break;
        case 'assert': {
          const ok =
            inst.kind === '^' ? atStart : inst.kind === '$' ? nextClass === END : (prevWord !== (nextClass === WORD)) === (inst.kind === '\\b');
          if (ok) stack.push(pc + 1);
          break;
        }
        case 'match':
          match = true;
          break;
        case 'char':
          pcs.push(pc);
          break;
        default:
          throw new Error(`unreachable: ${inst.op} in a regular program`);
      }
    }
    pcs.sort((a, b) => a - b);
    const key = `${pcs.join(',')}${match ? 'm' : ''}`;
    let state = this.#states.get(key);
    if (!state) {
      if (this.#states.size >= MAX_STATES) {
        this.#states = new Map();
        this.#initial = new Map();
      }
      state = { pcs, match, next: new Map() };
      this.#states.set(key, state);
    }
    return state;
  }

  #start(text: string, stats: Stats): DState {
    const nextClass = classOf(text, 0);
    let state = this.#initial.get(nextClass);
    if (!state) {
      state = this.#closure([0], true, false, nextClass, stats);
      this.#initial.set(nextClass, state);
    }
    return state;
  }

  #step(state: DState, code: number, nextClass: number, stats: Stats): DState {
    stats.steps++;
    const key = code * 3 + nextClass;
    let next = state.next.get(key);
    if (!next) {
      const seeds: number[] = [];
      for (const pc of state.pcs) {
        stats.steps++;
        const inst = this.program.insts[pc]!;
        if (inst.op === 'char' && inst.test.test(code)) seeds.push(pc + 1);
      }
      if (!this.program.anchored) seeds.push(0);
      next = this.#closure(seeds, false, isWordCode(code), nextClass, stats);
      state.next.set(key, next);
    }
    return next;
  }

  /**
   * Whether the program matches `text`, and for each cut P whether it matches
   * `text.slice(0, P) + tail` (the same text with its end replaced), in one pass.
   */
  scan(text: string, cuts: readonly number[], tail: string, stats: Stats): { full: boolean; cuts: boolean[] } {
    const wanted = new Map<number, DState | null>(cuts.filter((p) => p > 0).map((p) => [p - 1, null]));
    let state = this.#start(text, stats);
    let firstMatch = state.match ? 0 : Infinity;
    let missing = wanted.size;
    for (let pos = 0; pos < text.length; pos++) {
      if (wanted.get(pos) === null) {
        wanted.set(pos, state);
        missing--;
      }
      if (firstMatch !== Infinity && missing === 0) break;
      if (this.program.anchored && state.pcs.length === 0 && !state.match && firstMatch === Infinity) {
        // Dead: no thread left and no new start: no prefix can match either from here on.
        break;
      }
      state = this.#step(state, text.charCodeAt(pos), classOf(text, pos + 1), stats);
      if (state.match && firstMatch === Infinity) firstMatch = pos + 1;
    }
    const answers = cuts.map((p) => {
      if (firstMatch <= p - 1) return true;
      if (p === 0) return this.scan(tail, [], '', stats).full;
      const before = wanted.get(p - 1);
      if (!before) return false;
      let s = this.#step(before, text.charCodeAt(p - 1), classOf(tail, 0), stats);
      if (s.match) return true;
      for (let i = 0; i < tail.length; i++) {
        s = this.#step(s, tail.charCodeAt(i), classOf(tail, i + 1), stats);
        if (s.match) return true;
      }
      return false;
    });
    return { full: firstMatch <= text.length, cuts: answers };
  }
}
