import type { FormatSyntax, Node } from './syntax.js';
import type { Placeholder } from './placeholder.js';

/**
 * Turns a parsed format into regex source. Each placeholder gets four uniquely named groups
 * (`__p0_dq`, `__p0_sq`, `__p0_obj`, `__p0_bare`) because Node 20 rejects duplicate group
 * names inside alternations; the compiler maps them back to the param's real name.
 */
export const VALUE_KINDS = ['dq', 'sq', 'obj', 'bare'] as const;

export function groupName(index: number, kind: (typeof VALUE_KINDS)[number]): string {
  return `__p${index}_${kind}`;
}

/**
 * A value is tried as "double quoted", 'single quoted', a {...} object (greedy, so it runs to
 * the last brace that still lets the rest of the format match, which keeps nested objects
 * whole), or bare text that starts and ends with a non-space. Bare text is lazy (`??` too, so
 * a one-character value is tried first): a middle param stops at the next literal, and only
 * the last param, pushed by the end anchor, takes the rest of the line, as in StackStorm.
 */
export function valuePattern(p: Placeholder): string {
  const g = (kind: (typeof VALUE_KINDS)[number]) => groupName(p.index, kind);
  return `(?:"(?<${g('dq')}>[^"]*)"|'(?<${g('sq')}>[^']*)'|(?<${g('obj')}>\\{.*\\})|(?<${g('bare')}>\\S(?:.*?\\S)??))`;
}

function emitParam(node: Extract<Node, { kind: 'param' }>): string {
  const body = (node.leadingSpace ? '\\s+' : '') + valuePattern(node.param);
  // The optional group swallows its own leading space, so `pack status` matches
  // `pack status {{pack=""}}` without a trailing blank.
  return node.param.defaultValue === undefined ? body : `(?:${body})?`;
}

function emitNode(node: Node): string {
  switch (node.kind) {
    case 'char':
      return node.raw === ' ' ? '\\s' : node.raw;
    case 'space':
      return '\\s+';
    case 'set':
    case 'assert':
    case 'backref':
      return node.raw;
    case 'group':
      return node.open + node.alternatives.map(emitSequence).join('|') + ')';
    case 'repeat':
      return emitNode(node.node) + node.raw;
    case 'param':
      return emitParam(node);
  }
}

export function emitSequence(seq: Node[]): string {
  return seq.map(emitNode).join('');
}

/** Anchors with `^\s*` / `\s*$` unless the format has its own (syntax.ts, hasAnchor). */
export function emitSource(syntax: FormatSyntax): string {
  const alts = syntax.alternatives.map(emitSequence);
  const body = alts.length > 1 ? `(?:${alts.join('|')})` : alts[0]!;
  return (syntax.ownStart ? '' : '^\\s*') + body + (syntax.ownEnd ? '' : '\\s*$');
}
