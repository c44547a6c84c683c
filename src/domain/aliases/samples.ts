import type { FormatSyntax, Node } from './syntax.js';

/**
 * A small deterministic example generator: texts a format accepts, used by the collision
 * check to ask "could another alias take this too?". It walks the parsed format: literals
 * as written, `\d \w \s \S .` and classes → one character they accept, each branch of an
 * alternation, `?`/`*` → zero and one time, `+` → once, `{n,m}` → n times, placeholders →
 * sample words (optional ones also omitted). Every output is re-checked against its own
 * format by the caller, so approximations (backreferences, lookarounds) only cost a sample.
 */
type Piece = string | { param: number };
type Sample = Piece[];

/** Characters tried, in order, to find one a set accepts. */
const CANDIDATES = ['a', 'x', '0', '1', 'A', '-', '_', '.', '/', ':', '@', ',', ' ', '\t', '\n', '"', "'", '#', '=', 'é'];

function sampleChar(raw: string): string {
  // Runs at table construction, never while matching.
  const re = new RegExp(`^(?:${raw})$`, 's');
  return CANDIDATES.find((c) => re.test(c)) ?? '';
}

/** Cartesian product in diagonal order, so every option of every node shows up before the cap. */
function product(left: Sample[], right: Sample[], cap: number): Sample[] {
  const out: Sample[] = [];
  for (let sum = 0; sum <= left.length + right.length - 2 && out.length < cap; sum++) {
    for (let i = Math.max(0, sum - right.length + 1); i <= Math.min(sum, left.length - 1) && out.length < cap; i++) {
      out.push([...left[i]!, ...right[sum - i]!]);
    }
  }
  return out;
}

function sequenceSamples(seq: readonly Node[], cap: number): Sample[] {
  let acc: Sample[] = [[]];
  for (const node of seq) acc = product(acc, nodeSamples(node, cap), cap);
  return acc;
}

function alternativesSamples(alternatives: readonly (readonly Node[])[], cap: number): Sample[] {
  return alternatives.flatMap((seq) => sequenceSamples(seq, cap)).slice(0, cap);
}

function nodeSamples(node: Node, cap: number): Sample[] {
  switch (node.kind) {
    case 'char':
      return [[node.value]];
    case 'space':
      return [[' ']];
    case 'set':
      return [[sampleChar(node.raw)]];
    case 'assert':
    case 'backref':
      return [[]];
    case 'group':
      return node.lookaround ? [[]] : alternativesSamples(node.alternatives, cap);
    case 'repeat': {
      const inner = nodeSamples(node.node, cap);
      if (node.max === 0) return [[]];
      if (node.min === 0) return [[], ...inner].slice(0, cap);
      return inner.map((s) => Array.from({ length: node.min }, () => s).flat());
    }
    case 'param': {
      const present: Sample = node.leadingSpace ? [' ', { param: node.param.index }] : [{ param: node.param.index }];
      return node.param.defaultValue === undefined ? [present] : [present, []];
    }
  }
}

function render(sample: Sample, fill: (param: number) => string): string {
  return sample.map((p) => (typeof p === 'string' ? p : fill(p.param))).join('');
}

const WORD_CHAR = /^[\p{L}\p{N}_-]$/u;

/** Letters/digits words written literally anywhere in the format: the table's vocabulary. */
export function literalWords(syntax: FormatSyntax): string[] {
  const words: string[] = [];
  const walk = (seq: readonly Node[]) => {
    let word = '';
    const flush = () => {
      if (word) words.push(word.toLowerCase());
      word = '';
    };
    for (const node of seq) {
      if (node.kind === 'char' && WORD_CHAR.test(node.value)) word += node.value;
      else {
        flush();
        if (node.kind === 'group') node.alternatives.forEach(walk);
        if (node.kind === 'repeat' && node.node.kind === 'group') node.node.alternatives.forEach(walk);
      }
    }
    flush();
  };
  syntax.alternatives.forEach(walk);
  return words;
}

const FILLER = 'sample';

/**
 * Sample texts for one format: its structural variants with every param set to a filler
 * word, then each param in turn set to each vocabulary word, so a placeholder in one alias
 * can meet a literal word of another (`pack {{verb}} foo` vs `pack bar {{x}}`). The
 * vocabulary may depend on the text before the slot (a table narrows it by prefix).
 */
export function sampleTexts(syntax: FormatSyntax, vocabulary: readonly string[] | ((before: string) => readonly string[]), cap = 200): string[] {
  const structural = alternativesSamples(syntax.alternatives, 32);
  const out = new Set<string>();
  for (const s of structural) out.add(render(s, () => FILLER));
  for (const s of structural) {
    for (const [at, slot] of s.entries()) {
      if (typeof slot === 'string') continue;
      // A table passes only the words of formats that could still match past the text before the slot.
      const words = typeof vocabulary === 'function' ? vocabulary(render(s.slice(0, at), () => FILLER)) : vocabulary;
      for (const word of words) {
        if (out.size >= cap) return [...out];
        out.add(render(s, (i) => (i === slot.param ? word : FILLER)));
      }
    }
  }
  return [...out];
}
