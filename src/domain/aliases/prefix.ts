import type { FormatSyntax } from './syntax.js';
import { fold } from './chars.js';

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

/**
 * What every text a format matches must start with, for the table's prefix index: the
 * format's first literal characters case-folded as the matcher folds them, a space standing
 * for a run of blanks. Null when the format may match elsewhere than at the start (its own
 * `^` not leading, or a top-level alternation): such a format is tried on every text.
 */
export function anchoredPrefix(syntax: FormatSyntax): string | null {
  if (syntax.alternatives.length !== 1) return null;
  const seq = syntax.alternatives[0]!;
  let i = 0;
  if (syntax.ownStart) {
    if (seq[0]?.kind !== 'assert' || seq[0].raw !== '^') return null;
    i = 1;
  }
  let out = '';
  for (; i < seq.length; i++) {
    const node = seq[i]!;
    if (node.kind === 'space') out += ' ';
    else if (node.kind === 'char' && node.value.length === 1 && !BLANK.test(node.value)) out += String.fromCharCode(fold(node.value.charCodeAt(0)));
    else break;
  }
  return out.trimEnd();
}

const BLANK = /^\s$/;

/** A text's start in the form anchoredPrefix uses: folded, each run of blanks one space. */
export function foldedStart(text: string, length: number): string {
  let out = '';
  let i = 0;
  while (i < text.length && BLANK.test(text[i]!)) i++;
  for (; i < text.length && out.length < length; i++) {
    if (BLANK.test(text[i]!)) {
      if (!out.endsWith(' ')) out += ' ';
    } else out += String.fromCharCode(fold(text.charCodeAt(i)));
  }
  return out;
}
