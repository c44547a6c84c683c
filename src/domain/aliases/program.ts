import { formatInvalid } from './placeholder.js';
import { charTest, type CharTest } from './chars.js';
import { emitSequence } from './emit.js';
import type { FormatSyntax, Node } from './syntax.js';

/**
 * A format compiled to a small instruction program (Thompson/Pike style) instead of a
 * backtracking RegExp, so matching is bounded by len(text) × len(program) whatever the format
 * and the text (pike.ts for captures, dfa.ts for yes/no). The program is exactly the regex
 * emit.ts writes (same groups, same numbering, same greedy/lazy order), so results agree with
 * it wherever a backtracking engine would have finished.
 *
 * Two constructs cannot run in linear time in general and are bounded instead:
 *  - lookarounds: run natively at one position, and only when their body has a bounded length
 *    (no `*`, `+`, `{n,}`, placeholder or backreference inside), so each costs O(format);
 *  - backreferences: compared character by character on the first-priority thread only.
 */
export type Inst =
  | { op: 'char'; test: CharTest }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'save'; slot: number }
  /** Clears a repeat's own groups at each iteration, as JavaScript does. */
  | { op: 'reset'; from: number; to: number }
  | { op: 'assert'; kind: '^' | '$' | '\\b' | '\\B' }
  | { op: 'look'; re: RegExp }
  | { op: 'backref'; group: number }
  | { op: 'match' };

export interface Program {
  insts: Inst[];
  /** Capturing groups, numbered as in the emitted regex (1-based; slots 2g, 2g+1). */
  groupCount: number;
  groupByName: Map<string, number>;
  /** Param index → its group numbers for dq, sq, obj, bare. */
  paramGroups: number[][];
  /** No lookaround or backreference: the closure depends only on neighbouring characters. */
  regular: boolean;
  /** False when the format brings its own `^`: the search tries every start. */
  anchored: boolean;
}

/** A format this large is a mistake; the limit keeps per-character work bounded. */
const MAX_INSTS = 20_000;
const MAX_LOOK_LENGTH = 256;

/** Source-order numbering of capturing groups, as the native engine counts them. */
function numberGroups(syntax: FormatSyntax): { groups: Map<Node, number>; params: number[][]; count: number } {
  const groups = new Map<Node, number>();
  const params: number[][] = [];
  let count = 0;
  const walk = (node: Node) => {
    if (node.kind === 'group') {
      if (node.open === '(' || node.open.startsWith('(?<') && !node.lookaround) groups.set(node, ++count);
      node.alternatives.forEach((seq) => seq.forEach(walk));
    } else if (node.kind === 'repeat') walk(node.node);
    else if (node.kind === 'param') params[node.param.index] = [++count, ++count, ++count, ++count];
  };
  syntax.alternatives.forEach((seq) => seq.forEach(walk));
  return { groups, params, count };
}

/** Longest text a node can consume; Infinity when unbounded. */
function maxLength(node: Node): number {
  switch (node.kind) {
    case 'char':
    case 'set':
      return 1;
    case 'assert':
      return 0;
    case 'group':
      return Math.max(...node.alternatives.map((seq) => seq.reduce((sum, n) => sum + maxLength(n), 0)));
    case 'repeat': {
      const inner = maxLength(node.node);
      return inner === 0 ? 0 : node.max * inner;
    }
    default:
      return Infinity;
  }
}

function groupsInside(node: Node, numbers: Map<Node, number>, params: number[][]): number[] {
  const out: number[] = [];
  const walk = (n: Node) => {
    const g = numbers.get(n);
    if (g !== undefined) out.push(g);
    if (n.kind === 'group') n.alternatives.forEach((seq) => seq.forEach(walk));
    else if (n.kind === 'repeat') walk(n.node);
    else if (n.kind === 'param') out.push(...params[n.param.index]!);
  };
  walk(node);
  return out;
}

class Compiler {
  readonly insts: Inst[] = [];
  regular = true;

  constructor(
    readonly syntax: FormatSyntax,
    readonly numbers: Map<Node, number>,
    readonly params: number[][],
    readonly groupCount: number,
    readonly groupByName: Map<string, number>,
  ) {}

  emit(inst: Inst): number {
    if (this.insts.length >= MAX_INSTS) throw formatInvalid(this.syntax.format, `it expands to more than ${MAX_INSTS} matching steps per character; use smaller repeat counts`);
    this.insts.push(inst);
    return this.insts.length - 1;
  }

  char(raw: string): void {
    this.emit({ op: 'char', test: charTest(raw) });
  }

  /** `body` repeated min..max times, greedy unless `lazy`; its groups cleared per iteration. */
  repeat(body: () => void, min: number, max: number, lazy: boolean, groups: number[]): void {
    const iteration = () => {
      if (groups.length > 0) this.emit({ op: 'reset', from: 2 * Math.min(...groups), to: 2 * Math.max(...groups) + 1 });
      body();
    };
    for (let i = 0; i < min; i++) iteration();
    if (max === Infinity) {
      const loop = this.emit({ op: 'split', x: 0, y: 0 });
      iteration();
      this.emit({ op: 'jmp', x: loop });
      this.branch(loop, loop + 1, this.insts.length, lazy);
      return;
    }
    const splits: number[] = [];
    for (let i = min; i < max; i++) {
      splits.push(this.emit({ op: 'split', x: 0, y: 0 }));
      iteration();
    }
    for (const s of splits) this.branch(s, s + 1, this.insts.length, lazy);
  }

  /** Points a split at `take` and `skip`, in the order the quantifier prefers. */
  branch(at: number, take: number, skip: number, lazy: boolean): void {
    this.insts[at] = lazy ? { op: 'split', x: skip, y: take } : { op: 'split', x: take, y: skip };
  }

  alternatives(alts: readonly (() => void)[]): void {
    const jumps: number[] = [];
    alts.forEach((alt, i) => {
      if (i === alts.length - 1) return alt();
      const split = this.emit({ op: 'split', x: 0, y: 0 });
      alt();
      jumps.push(this.emit({ op: 'jmp', x: 0 }));
      this.insts[split] = { op: 'split', x: split + 1, y: this.insts.length };
    });
    for (const j of jumps) this.insts[j] = { op: 'jmp', x: this.insts.length };
  }

  group(g: number, body: () => void): void {
    this.emit({ op: 'save', slot: 2 * g });
    body();
    this.emit({ op: 'save', slot: 2 * g + 1 });
  }

  sequence(seq: readonly Node[]): void {
    for (const node of seq) this.node(node);
  }

  node(node: Node): void {
    switch (node.kind) {
      case 'char':
        return this.char(node.raw === ' ' ? '\\s' : node.raw);
      case 'space':
        return this.repeat(() => this.char('\\s'), 1, Infinity, false, []);
      case 'set':
        return this.char(node.raw);
      case 'assert':
        this.emit({ op: 'assert', kind: node.raw as '^' | '$' | '\\b' | '\\B' });
        return;
      case 'backref':
        return this.backref(node.raw);
      case 'group': {
        if (node.lookaround) return this.look(node);
        const body = () => this.alternatives(node.alternatives.map((seq) => () => this.sequence(seq)));
        const g = this.numbers.get(node);
        return g === undefined ? body() : this.group(g, body);
      }
      case 'repeat': {
        const lazy = node.raw !== '?' && node.raw.endsWith('?');
        return this.repeat(() => this.node(node.node), node.min, node.max, lazy, groupsInside(node.node, this.numbers, this.params));
      }
      case 'param':
        return this.param(node);
    }
  }

  backref(raw: string): void {
    this.regular = false;
    const named = /^\\k<(.+)>$/.exec(raw);
    const group = named ? this.groupByName.get(named[1]!) : Number(raw.slice(1));
    if (group === undefined || !(group >= 1 && group <= this.groupCount)) throw formatInvalid(this.syntax.format, `the backreference "${raw}" names no group`);
    this.emit({ op: 'backref', group });
  }

  look(node: Extract<Node, { kind: 'group' }>): void {
    this.regular = false;
    if (maxLength(node) > MAX_LOOK_LENGTH || groupsInside(node, this.numbers, this.params).length > 0) {
      throw formatInvalid(
        this.syntax.format,
        `the lookaround "${node.open}...)" may read unbounded text or captures a group, which cannot be matched in linear time; bound it (e.g. "{0,${MAX_LOOK_LENGTH}}" instead of "*") and use "(?:" inside`,
      );
    }
    // Bounded body: the native engine's work at one position depends on the format only.
    this.emit({ op: 'look', re: new RegExp(`${node.open}${node.alternatives.map(emitSequence).join('|')})`, 'iys') });
  }

  /** emit.ts's valuePattern, instruction by instruction. */
  param(node: Extract<Node, { kind: 'param' }>): void {
    const [dq, sq, obj, bare] = this.params[node.param.index]!;
    const quoted = (q: string, g: number) => () => {
      this.char(q);
      this.group(g, () => this.repeat(() => this.char(`[^${q}]`), 0, Infinity, false, []));
      this.char(q);
    };
    const value = () =>
      this.alternatives([
        quoted('"', dq!),
        quoted("'", sq!),
        () =>
          this.group(obj!, () => {
            this.char('\\{');
            this.repeat(() => this.char('.'), 0, Infinity, false, []);
            this.char('\\}');
          }),
        () =>
          this.group(bare!, () => {
            this.char('\\S');
            const rest = () => {
              this.repeat(() => this.char('.'), 0, Infinity, true, []);
              this.char('\\S');
            };
            this.repeat(rest, 0, 1, true, []);
          }),
      ]);
    const body = () => {
      if (node.leadingSpace) this.repeat(() => this.char('\\s'), 1, Infinity, false, []);
      value();
    };
    if (node.param.defaultValue === undefined) body();
    else this.repeat(body, 0, 1, false, []);
  }
}

/** `^\s*` body `\s*$` (each only where the format has no anchor of its own), as emitSource. */
export function compileProgram(syntax: FormatSyntax): Program {
  const { groups, params, count } = numberGroups(syntax);
  const groupByName = new Map<string, number>();
  for (const [node, g] of groups) if (node.kind === 'group' && node.open.startsWith('(?<')) groupByName.set(node.open.slice(3, -1), g);
  const c = new Compiler(syntax, groups, params, count, groupByName);
  const spaces = () => c.repeat(() => c.char('\\s'), 0, Infinity, false, []);
  if (!syntax.ownStart) {
    c.emit({ op: 'assert', kind: '^' });
    spaces();
  }
  c.alternatives(syntax.alternatives.map((seq) => () => c.sequence(seq)));
  if (!syntax.ownEnd) {
    spaces();
    c.emit({ op: 'assert', kind: '$' });
  }
  c.emit({ op: 'match' });
  return { insts: c.insts, groupCount: count, groupByName, paramGroups: params, regular: c.regular, anchored: !syntax.ownStart };
}
