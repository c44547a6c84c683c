import type { FormatSyntax } from './syntax.js';

/**
 * The words a format starts with, before any placeholder or regex construct: what a user
 * most likely tried to type when nothing matched. `pack deploy {{repo}}` → `pack deploy`.
 */
export function literalPrefix(syntax: FormatSyntax): string {
  if (syntax.alternatives.length !== 1) return '';
  let out = '';
  for (const node of syntax.alternatives[0]!) {
    if (node.kind === 'char') out += node.value;
    else if (node.kind === 'space') out += ' ';
    else if (node.kind === 'assert' && node.raw === '^' && out === '') continue;
    else break;
  }
  return out.trim().toLowerCase();
}

/** The same for a display string: text before the first `<required>`, `[optional]` or `{{`. */
export function displayPrefix(display: string): string {
  const cut = display.search(/[<[{]/);
  return (cut === -1 ? display : display.slice(0, cut)).trim().replace(/\s+/g, ' ').toLowerCase();
}
