import { formatInvalid, readPlaceholder, type Placeholder } from './placeholder.js';
import { readPythonGroup } from './python.js';

/**
 * A format string parsed once into a small tree: regex syntax with `{{...}}` placeholders as
 * atoms. StackStorm formats are Python regexes: Python-only syntax is translated to its exact
 * JavaScript equivalent or refused with a fix (python.ts); JavaScript's own `(?<name>...)`
 * is accepted too. Every later step (regex emission, specificity, sample texts for the
 * collision check, the literal prefix used for suggestions) walks this tree instead of
 * re-scanning the string, so they all agree on what is literal and what is pattern.
 */
export type Node =
  /** One literal character; `raw` is how it was written (`a`, `\.`, `\u0041`). */
  | { kind: 'char'; raw: string; value: string }
  /** A run of unescaped spaces outside character classes: emitted as `\s+`. */
  | { kind: 'space' }
  /** Any one character from a set: `.`, `\d`, `\S`, `[a-z]`, ... */
  | { kind: 'set'; raw: string }
  /** Zero-width: `^`, `$`, `\b`, `\B`. */
  | { kind: 'assert'; raw: string }
  | { kind: 'backref'; raw: string }
  | { kind: 'group'; open: string; alternatives: Node[][]; lookaround: boolean }
  | { kind: 'repeat'; node: Node; min: number; max: number; raw: string }
  /** `leadingSpace`: the space before it in the format belongs to the param's own group. */
  | { kind: 'param'; param: Placeholder; leadingSpace: boolean };

export interface FormatSyntax {
  format: string;
  alternatives: Node[][];
  params: Placeholder[];
  /** The author's own `(?<name>...)` groups: they become params too, as in StackStorm. */
  groupNames: string[];
  /** The format has its own `^` / `$` (see hasAnchor): packbot adds none on that side. */
  ownStart: boolean;
  ownEnd: boolean;
}

/** `{n}`, `{n,}`, `{n,m}`, and Python's `{,m}` (read as `{0,m}`). */
const QUANTIFIER = /^\{(\d*)(,(\d*))?\}/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', '0': '\0' };

class Parser {
  pos = 0;
  readonly params: Placeholder[] = [];
  readonly groupNames: string[] = [];
  /** Where the leading run of Python flag groups (`(?i)`) ends: global flags may only stand there. */
  flagsEnd = 0;

  constructor(readonly src: string) {}

  fail(reason: string): never {
    throw formatInvalid(this.src, reason);
  }

  alternatives(depth: number): Node[][] {
    const alts = [this.sequence(depth)];
    while (this.src[this.pos] === '|') {
      this.pos++;
      alts.push(this.sequence(depth));
    }
    return alts;
  }

  sequence(depth: number): Node[] {
    const nodes: Node[] = [];
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '|') break;
      if (c === ')') {
        if (depth === 0) this.fail(`unmatched ")" at column ${this.pos + 1}`);
        break;
      }
      const quantifier = this.src.startsWith('{{', this.pos) ? null : this.quantifier();
      if (quantifier) nodes.push(this.repeat(nodes.pop(), quantifier));
      else {
        const node = this.atom();
        if (node) nodes.push(node);
      }
    }
    return tidy(nodes);
  }

  quantifier(): { min: number; max: number; raw: string } | null {
    const c = this.src[this.pos]!;
    let q: { min: number; max: number; raw: string } | null = null;
    let length = 1;
    if (c === '*') q = { min: 0, max: Infinity, raw: c };
    else if (c === '+') q = { min: 1, max: Infinity, raw: c };
    else if (c === '?') q = { min: 0, max: 1, raw: c };
    else if (c === '{') {
      const m = QUANTIFIER.exec(this.src.slice(this.pos));
      // Python reads `{,m}` as `{0,m}` (JavaScript as literal text); `{}`, `{,}` are literal in both.
      if (m && (m[1] !== '' || (m[3] ?? '') !== '')) {
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        q = { min, max, raw: m[1] === '' ? `{0${m[2]}}` : m[0] };
        length = m[0].length;
      }
    }
    if (!q) return null;
    this.pos += length;
    if (this.src[this.pos] === '?') {
      q.raw += '?';
      this.pos++;
    } else if (this.src[this.pos] === '+') {
      this.fail(`the possessive quantifier "${this.src.slice(this.pos - length, this.pos + 1)}" at column ${this.pos - length + 1} is Python-only; drop the last "+"`);
    }
    return q;
  }

  repeat(node: Node | undefined, q: { min: number; max: number; raw: string }): Node {
    if (!node || node.kind === 'assert' || node.kind === 'space') this.fail(`"${q.raw}" at column ${this.pos} has nothing to repeat`);
    if (node.kind === 'param') this.fail(`placeholder "${node.param.name}" cannot be repeated; give it a default to make it optional`);
    return { kind: 'repeat', node, ...q };
  }

  /** One atom, or null for Python syntax that stands for nothing (comments, leading flags). */
  atom(): Node | null {
    const { src } = this;
    if (src.startsWith('{{', this.pos)) return this.placeholder();
    const c = src[this.pos]!;
    if (c === '\\') return this.escape();
    if (c === '[') return this.charClass();
    if (c === '(') return this.group();
    this.pos++;
    if (c === '.') return { kind: 'set', raw: c };
    if (c === '^' || c === '$') return { kind: 'assert', raw: c };
    return { kind: 'char', raw: c, value: c };
  }

  placeholder(): Node {
    const { placeholder, end } = readPlaceholder(this.src, this.pos, this.params.length);
    if (this.params.some((p) => p.name === placeholder.name)) this.fail(`placeholder "${placeholder.name}" appears twice`);
    this.params.push(placeholder);
    this.pos = end;
    return { kind: 'param', param: placeholder, leadingSpace: false };
  }

  escape(): Node {
    const { src } = this;
    const start = this.pos;
    const next = src[start + 1];
    if (next === undefined) this.fail('it ends with a lone "\\"');
    this.pos += 2;
    if ('dDwWsS'.includes(next)) return { kind: 'set', raw: `\\${next}` };
    if (next === 'b' || next === 'B') return { kind: 'assert', raw: `\\${next}` };
    // Python's start/end of string: JavaScript's `^`/`$` without the m flag mean exactly that.
    if (next === 'A') return { kind: 'assert', raw: '^' };
    if (next === 'Z') return { kind: 'assert', raw: '$' };
    if (/[1-9]/.test(next)) {
      while (/\d/.test(src[this.pos] ?? '')) this.pos++;
      return { kind: 'backref', raw: src.slice(start, this.pos) };
    }
    if (next === 'k' && src[this.pos] === '<') {
      const close = src.indexOf('>', this.pos);
      if (close === -1) this.fail(`unterminated "\\k<" at column ${start + 1}`);
      this.pos = close + 1;
      return { kind: 'backref', raw: src.slice(start, this.pos) };
    }
    const hex = next === 'u' ? /^[0-9a-fA-F]{4}/.exec(src.slice(this.pos)) : next === 'x' ? /^[0-9a-fA-F]{2}/.exec(src.slice(this.pos)) : null;
    if (hex) {
      this.pos += hex[0].length;
      return { kind: 'char', raw: src.slice(start, this.pos), value: String.fromCharCode(parseInt(hex[0], 16)) };
    }
    if (next === 'c' && /[A-Za-z]/.test(src[this.pos] ?? '')) {
      const letter = src[this.pos++]!;
      return { kind: 'char', raw: src.slice(start, this.pos), value: String.fromCharCode(letter.charCodeAt(0) % 32) };
    }
    return { kind: 'char', raw: `\\${next}`, value: SIMPLE_ESCAPES[next] ?? next };
  }

  charClass(): Node {
    const { src } = this;
    let i = this.pos + 1;
    if (src[i] === '^') i++;
    while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
    if (i >= src.length) this.fail(`unterminated "[" at column ${this.pos + 1}`);
    const raw = src.slice(this.pos, i + 1);
    this.pos = i + 1;
    return { kind: 'set', raw };
  }

  group(): Node | null {
    const { src } = this;
    const start = this.pos;
    const rest = src.slice(start);
    let open = '(';
    let lookaround = false;
    const named = /^\(\?<([^>=!]*)>/.exec(rest);
    const python = named || /^\(\?(:|=|!|<=|<!)/.test(rest) ? null : readPythonGroup(src, start, start === this.flagsEnd);
    if (rest.startsWith('(?:')) open = '(?:';
    else if (/^\(\?(=|!|<=|<!)/.test(rest)) {
      open = /^\(\?<?[=!]/.exec(rest)![0];
      lookaround = true;
    } else if (named) open = this.namedGroup(named[1]!);
    else if (python) {
      if (python.kind === 'refuse') this.fail(python.reason);
      if (python.kind === 'named' || python.kind === 'group') {
        return this.groupBody(start, python.kind === 'named' ? this.namedGroup(python.name) : '(?:', python.end - start, false);
      }
      this.pos = python.end;
      if (python.kind === 'backref') return { kind: 'backref', raw: python.raw };
      if (start === this.flagsEnd) this.flagsEnd = this.pos;
      return null;
    } else if (rest.startsWith('(?')) {
      this.fail(`unsupported group syntax at column ${start + 1}`);
    }
    return this.groupBody(start, open, open.length, lookaround);
  }

  /** Registers a capture name (Python's `(?P<name>` or JavaScript's `(?<name>`); returns the JavaScript opener. */
  namedGroup(name: string): string {
    if (!IDENTIFIER.test(name) || name.startsWith('__p')) this.fail(`group name "${name}" is not a valid identifier`);
    if (this.groupNames.includes(name)) this.fail(`group name "${name}" appears twice`);
    this.groupNames.push(name);
    return `(?<${name}>`;
  }

  groupBody(start: number, open: string, openLength: number, lookaround: boolean): Node {
    this.pos = start + openLength;
    const alternatives = this.alternatives(1);
    if (this.src[this.pos] !== ')') this.fail(`the group opened at column ${start + 1} is never closed`);
    this.pos++;
    return { kind: 'group', open, alternatives, lookaround };
  }
}

/** Merges runs of plain spaces, then lets a placeholder absorb the space run before it. */
function tidy(nodes: Node[]): Node[] {
  const out: Node[] = [];
  for (const node of nodes) {
    const prev = out[out.length - 1];
    const isSpace = node.kind === 'char' && node.raw === ' ';
    if (isSpace && prev?.kind === 'space') continue;
    if (isSpace) out.push({ kind: 'space' });
    else if (node.kind === 'param' && prev?.kind === 'space') out[out.length - 1] = { ...node, leadingSpace: true };
    else out.push(node);
  }
  return out;
}

/** Leading/trailing spaces of the whole format are noise from YAML editing, not syntax. */
function trimEnds(seq: Node[]): Node[] {
  let start = 0;
  let end = seq.length;
  while (start < end && seq[start]!.kind === 'space') start++;
  while (end > start && seq[end - 1]!.kind === 'space') end--;
  return seq.slice(start, end);
}

export function parseSyntax(format: string): FormatSyntax {
  const parser = new Parser(format);
  const alternatives = parser.alternatives(0).map(trimEnds);
  for (const p of parser.params) {
    if (parser.groupNames.includes(p.name)) parser.fail(`"${p.name}" is both a placeholder and a group name`);
  }
  return {
    format,
    alternatives,
    params: parser.params,
    groupNames: parser.groupNames,
    ownStart: hasAnchor(alternatives, '^'),
    ownEnd: hasAnchor(alternatives, '$'),
  };
}

/**
 * Whether the format brings its own `^` / `$` (`\A` / `\Z` are read as those), found where
 * StackStorm's `search_regex_tokens` finds them, so the same formats get `^\s*` / `\s*$` added:
 * anywhere in the sequence and inside groups, but not inside a repeat or a lookaround, and of
 * an alternation only in its second branch (st2 reads the branch list at index 1). So
 * `(?:\b|^)fixes (?P<key>...)(?:\b|$)` gets no added anchor and matches mid-text, while
 * `(?:^a|b)` gets `^\s*` added, in both.
 */
function hasAnchor(alternatives: readonly Node[][], raw: '^' | '$'): boolean {
  const seq = (alternatives.length > 1 ? alternatives[1] : alternatives[0]) ?? [];
  return seq.some((n) => (n.kind === 'assert' && n.raw === raw) || (n.kind === 'group' && !n.lookaround && hasAnchor(n.alternatives, raw)));
}
