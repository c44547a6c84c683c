/**
 * StackStorm alias formats are Python regular expressions; packbot runs them as JavaScript
 * ones. This reads the Python-only `(?...)` group syntax at the place the format parser meets
 * it and says what to do with it:
 *
 *  - exact equivalents are translated: `(?P<name>...)` → `(?<name>...)`, `(?P=name)` →
 *    `\k<name>`, `(?#comment)` → nothing, and the flags packbot already matches with
 *    (`i`, `s`, `u`, `a`: every format is case-insensitive and `.` matches newlines, as with
 *    StackStorm's DOTALL) are dropped at the start or turned into `(?:` for a scoped group;
 *  - everything without an exact JavaScript equivalent is refused with one line naming the
 *    construct, its column and a fix that works in both StackStorm and packbot.
 *
 * (`\A`, `\Z` and Python's `{,n}` quantifier are single tokens: syntax.ts translates them.)
 */
export type PythonGroup =
  /** `(?P<name>`: a named group; the caller reads the body. */
  | { kind: 'named'; name: string; end: number }
  /** `(?P=name)`: a backreference, as JavaScript writes it. */
  | { kind: 'backref'; raw: string; end: number }
  /** `(?#...)` or leading no-op flags: nothing to emit. */
  | { kind: 'skip'; end: number }
  /** `(?i:`: a plain non-capturing group; the caller reads the body. */
  | { kind: 'group'; end: number }
  | { kind: 'refuse'; reason: string };

/** Flags that change nothing in packbot, which matches every format with `is` already. */
const NO_OP_FLAGS = new Set(['i', 's', 'u', 'a']);
const FLAG_NAMES: Record<string, string> = { m: 'multiline', x: 'verbose', L: 'locale' };
const FLAG_FIXES: Record<string, string> = {
  m: 'remove it: a chat command is matched as one text',
  x: 'remove it and write the pattern without the spaces and comments it allowed',
  L: 'remove it',
};

/**
 * Reads the Python construct at `start` (which points at `(?`), or null when the group is
 * not a Python-only one (`(?:`, lookarounds, JavaScript's `(?<name>`). `atStart`: only flag
 * groups come before it, where Python allows global flags.
 */
export function readPythonGroup(src: string, start: number, atStart: boolean): PythonGroup | null {
  const column = start + 1;
  const rest = src.slice(start);
  if (rest.startsWith('(?P<')) {
    const close = src.indexOf('>', start + 4);
    if (close === -1) return { kind: 'refuse', reason: `the group "(?P<" at column ${column} has no closing ">"` };
    return { kind: 'named', name: src.slice(start + 4, close), end: close + 1 };
  }
  if (rest.startsWith('(?P=')) {
    const close = src.indexOf(')', start + 4);
    if (close === -1) return { kind: 'refuse', reason: `the backreference "(?P=" at column ${column} is never closed` };
    return { kind: 'backref', raw: `\\k<${src.slice(start + 4, close)}>`, end: close + 1 };
  }
  if (rest.startsWith('(?P')) return { kind: 'refuse', reason: `"(?P" at column ${column} is neither "(?P<name>...)" nor "(?P=name)"; write one of those` };
  if (rest.startsWith('(?#')) {
    const close = src.indexOf(')', start);
    if (close === -1) return { kind: 'refuse', reason: `the comment "(?#" at column ${column} is never closed` };
    return { kind: 'skip', end: close + 1 };
  }
  if (rest.startsWith('(?>')) {
    return { kind: 'refuse', reason: `the atomic group "(?>...)" at column ${column} is Python-only; write "(?:...)" instead` };
  }
  if (rest.startsWith('(?(')) {
    return { kind: 'refuse', reason: `the conditional group "(?(...)...)" at column ${column} has no JavaScript equivalent; write each case as its own representation` };
  }
  const flags = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
  return flags ? readFlags(flags, column, atStart, start) : null;
}

function readFlags(m: RegExpExecArray, column: number, atStart: boolean, start: number): PythonGroup {
  const [raw, on = '', off, closer] = m;
  const end = start + raw.length;
  const unsupported = [...on, ...(off ?? '')].find((f) => !NO_OP_FLAGS.has(f));
  if (unsupported !== undefined) {
    const name = FLAG_NAMES[unsupported];
    if (!name) return { kind: 'refuse', reason: `unknown inline flag "${unsupported}" in "${raw}" at column ${column}; remove it` };
    return { kind: 'refuse', reason: `the ${name} flag "${raw}" at column ${column} has no JavaScript equivalent in packbot; ${FLAG_FIXES[unsupported]}` };
  }
  if (off !== undefined) {
    return { kind: 'refuse', reason: `"${raw}" at column ${column} turns flags off inside a group, which JavaScript cannot do; remove "-${off}" (packbot matches every format case-insensitively)` };
  }
  if (on === '') return { kind: 'refuse', reason: `unsupported group syntax "${raw}" at column ${column}` };
  if (closer === ':') return { kind: 'group', end };
  if (!atStart) {
    return { kind: 'refuse', reason: `the inline flag "${raw}" at column ${column} must be at the start of the format (Python 3.11 refuses it elsewhere too); move it there` };
  }
  return { kind: 'skip', end };
}
