import { fold, isWordCode } from './chars.js';
import type { Inst, Program } from './program.js';

/**
 * Runs a program over a text with captures (a Pike VM): every thread advances one character
 * at a time, at most one thread per instruction, in the priority order a backtracking engine
 * would try them. So the result is the native engine's, and the work is at most
 * len(text) × len(program) steps, counted in `stats` so tests can hold that bound.
 */
export interface Stats {
  steps: number;
}

export function assertHolds(kind: '^' | '$' | '\\b' | '\\B', text: string, pos: number): boolean {
  if (kind === '^') return pos === 0;
  if (kind === '$') return pos === text.length;
  const before = pos > 0 && isWordCode(text.charCodeAt(pos - 1));
  const after = pos < text.length && isWordCode(text.charCodeAt(pos));
  return (before !== after) === (kind === '\\b');
}

export function lookHolds(re: RegExp, text: string, pos: number): boolean {
  re.lastIndex = pos;
  return re.test(text);
}

type Caps = number[];

// Opcodes as small integers: the VM's inner loop switches on them (program.ts names them).
const JMP = 0;
const SPLIT = 1;
const SAVE = 2;
const RESET = 3;
const ASSERT = 4;
const LOOK = 5;
const BACKREF = 6;
const CHAR = 7;
const MATCH = 8;
const OPS: Record<Inst['op'], number> = { jmp: JMP, split: SPLIT, save: SAVE, reset: RESET, assert: ASSERT, look: LOOK, backref: BACKREF, char: CHAR, match: MATCH };

/** A program flattened to arrays once, with scratch space reused by every run (runs never nest). */
interface Flat {
  op: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  insts: Inst[];
  mark: Int32Array;
  generation: number;
  pcStack: Int32Array;
  capsStack: Caps[];
  lists: [ThreadList, ThreadList];
}

const FLAT = new WeakMap<Program, Flat>();

function flatten(program: Program): Flat {
  let flat = FLAT.get(program);
  if (flat) return flat;
  const n = program.insts.length;
  const op = new Uint8Array(n);
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  program.insts.forEach((inst, i) => {
    op[i] = OPS[inst.op];
    if (inst.op === 'jmp') a[i] = inst.x;
    else if (inst.op === 'split') [a[i], b[i]] = [inst.x, inst.y];
    else if (inst.op === 'save') a[i] = inst.slot;
    else if (inst.op === 'reset') [a[i], b[i]] = [inst.from, inst.to];
    else if (inst.op === 'backref') a[i] = inst.group;
  });
  // Each instruction is pushed at most twice per closure (a split pushes two).
  flat = { op, a, b, insts: program.insts, mark: new Int32Array(n), generation: 0, pcStack: new Int32Array(2 * n + 2), capsStack: new Array<Caps>(2 * n + 2), lists: [new ThreadList(n), new ThreadList(n)] };
  FLAT.set(program, flat);
  return flat;
}

class ThreadList {
  readonly pcs: Int32Array;
  readonly caps: Caps[];
  /** Characters of a backreference already matched, per thread. */
  readonly progress: Int32Array;
  size = 0;

  constructor(n: number) {
    this.pcs = new Int32Array(n);
    this.caps = new Array<Caps>(n);
    this.progress = new Int32Array(n);
  }

  push(pc: number, caps: Caps, progress: number): void {
    this.pcs[this.size] = pc;
    this.caps[this.size] = caps;
    this.progress[this.size] = progress;
    this.size++;
  }
}

class Vm {
  readonly flat: Flat;
  /** Generation of position 0 for this run: mark[pc] === base + pos means pc is taken at pos. */
  readonly base: number;

  constructor(
    readonly program: Program,
    readonly text: string,
    readonly stats: Stats,
  ) {
    this.flat = flatten(program);
    this.base = this.flat.generation + 1;
    this.flat.generation += text.length + 2;
    if (this.flat.generation > 2 ** 30) {
      this.flat.mark.fill(0);
      this.flat.generation = text.length + 2;
      this.base = 1;
    }
  }

  /** Follows every empty transition from `pc` at `pos`, in priority order. */
  add(list: ThreadList, pc0: number, caps0: Caps, pos: number): void {
    const { op, a, b, insts, mark, pcStack, capsStack } = this.flat;
    const text = this.text;
    const generation = this.base + pos;
    let top = 0;
    pcStack[top] = pc0;
    capsStack[top++] = caps0;
    let steps = 0;
    while (top > 0) {
      const pc = pcStack[--top]!;
      const caps = capsStack[top]!;
      if (mark[pc] === generation) continue;
      mark[pc] = generation;
      steps++;
      switch (op[pc]) {
        case JMP:
          pcStack[top] = a[pc]!;
          capsStack[top++] = caps;
          break;
        case SPLIT:
          pcStack[top] = b[pc]!;
          capsStack[top++] = caps;
          pcStack[top] = a[pc]!;
          capsStack[top++] = caps;
          break;
        case SAVE: {
          const copy = caps.slice();
          copy[a[pc]!] = pos;
          pcStack[top] = pc + 1;
          capsStack[top++] = copy;
          break;
        }
        case RESET: {
          const copy = caps.slice();
          copy.fill(-1, a[pc]!, b[pc]! + 1);
          pcStack[top] = pc + 1;
          capsStack[top++] = copy;
          break;
        }
        case ASSERT:
          if (assertHolds((insts[pc] as { kind: '^' | '$' | '\\b' | '\\B' }).kind, text, pos)) {
            pcStack[top] = pc + 1;
            capsStack[top++] = caps;
          }
          break;
        case LOOK:
          if (lookHolds((insts[pc] as { re: RegExp }).re, text, pos)) {
            pcStack[top] = pc + 1;
            capsStack[top++] = caps;
          }
          break;
        case BACKREF: {
          const start = caps[2 * a[pc]!]!;
          const end = caps[2 * a[pc]! + 1]!;
          // An unset or empty group matches the empty string, as in JavaScript.
          if (start < 0 || end <= start) {
            pcStack[top] = pc + 1;
            capsStack[top++] = caps;
          } else list.push(pc, caps, 0);
          break;
        }
        default:
          list.push(pc, caps, 0);
      }
    }
    this.stats.steps += steps;
  }

  run(): Caps | null {
    const { program, text } = this;
    const { op, insts } = this.flat;
    let [current, next] = this.flat.lists;
    current.size = 0;
    const initial: Caps = new Array<number>(2 * program.groupCount + 2).fill(-1);
    let matched: Caps | null = null;
    this.add(current, 0, initial, 0);
    for (let pos = 0; pos <= text.length; pos++) {
      const code = pos < text.length ? text.charCodeAt(pos) : -1;
      next.size = 0;
      this.stats.steps += current.size;
      for (let t = 0; t < current.size; t++) {
        const pc = current.pcs[t]!;
        const caps = current.caps[t]!;
        const o = op[pc];
        if (o === MATCH) {
          // Leftmost-first: lower-priority threads are cut; higher ones already moved on.
          matched = caps;
          break;
        }
        if (code < 0) continue;
        if (o === CHAR) {
          if ((insts[pc] as { test: { test(c: number): boolean } }).test.test(code)) this.advance(next, pc + 1, caps, pos + 1);
        } else if (o === BACKREF) this.stepBackref(next, pc, caps, current.progress[t]!, code, pos);
      }
      // Unanchored search: a new start at each position, lowest priority, until one matched.
      if (!program.anchored && matched === null && pos < text.length) this.add(next, 0, initial, pos + 1);
      if (code < 0 || (next.size === 0 && (program.anchored || matched !== null))) break;
      [current, next] = [next, current];
    }
    return matched;
  }

  /**
   * `add` after a character: most threads land on another character test (or the match),
   * which `add` would just mark and push, so that is done here without its stack.
   */
  advance(list: ThreadList, pc: number, caps: Caps, pos: number): void {
    const o = this.flat.op[pc];
    if (o !== CHAR && o !== MATCH) return this.add(list, pc, caps, pos);
    const generation = this.base + pos;
    if (this.flat.mark[pc] === generation) return;
    this.flat.mark[pc] = generation;
    this.stats.steps++;
    list.push(pc, caps, 0);
  }

  /** One more character of a backreference; the group text is compared case-folded. */
  stepBackref(next: ThreadList, pc: number, caps: Caps, done: number, code: number, pos: number): void {
    const group = this.flat.a[pc]!;
    const start = caps[2 * group]!;
    const end = caps[2 * group + 1]!;
    if (fold(this.text.charCodeAt(start + done)) !== fold(code)) return;
    if (start + done + 1 === end) this.add(next, pc + 1, caps, pos + 1);
    else if (this.flat.mark[pc] !== this.base + pos + 1) {
      this.flat.mark[pc] = this.base + pos + 1;
      next.push(pc, caps, done + 1);
    }
  }
}

/** Capture slots of the first-priority match (slot 2g/2g+1: group g's span; -1: unset), or null. */
export function pikeMatch(program: Program, text: string, stats: Stats = { steps: 0 }): number[] | null {
  return new Vm(program, text, stats).run();
}
