/**
 * One-character tests for the linear matcher (program.ts). A literal or a class is tested by
 * the native engine on ONE character (`^(?:raw)$`, flags `is`, as the format's own regex),
 * so case folding and class syntax are exactly JavaScript's; a one-character test cannot
 * backtrack. ASCII answers are kept in a table, others in a small memo.
 */
export interface CharTest {
  readonly raw: string;
  test(code: number): boolean;
}

const MEMO_LIMIT = 4096;

class NativeCharTest implements CharTest {
  readonly #re: RegExp;
  /** 0: not asked yet, 1: yes, 2: no. */
  readonly #ascii = new Uint8Array(128);
  readonly #other = new Map<number, boolean>();

  constructor(readonly raw: string) {
    this.#re = new RegExp(`^(?:${raw})$`, 'is');
  }

  test(code: number): boolean {
    if (code < 128) {
      const known = this.#ascii[code]!;
      if (known !== 0) return known === 1;
      const yes = this.#re.test(String.fromCharCode(code));
      this.#ascii[code] = yes ? 1 : 2;
      return yes;
    }
    const known = this.#other.get(code);
    if (known !== undefined) return known;
    const yes = this.#re.test(String.fromCharCode(code));
    if (this.#other.size < MEMO_LIMIT) this.#other.set(code, yes);
    return yes;
  }
}

// Shared by every format: `\s`, `.`, `a` are the same test wherever they appear.
const TESTS = new Map<string, CharTest>();

export function charTest(raw: string): CharTest {
  let t = TESTS.get(raw);
  if (!t) {
    t = new NativeCharTest(raw);
    TESTS.set(raw, t);
  }
  return t;
}

/** JavaScript's case folding for `i` without `u` (ECMA-262 Canonicalize), for backreferences. */
export function fold(code: number): number {
  // ASCII, the common case (every text's start is folded for the prefix index): a-z → A-Z.
  if (code < 128) return code >= 97 && code <= 122 ? code - 32 : code;
  const ch = String.fromCharCode(code);
  const upper = ch.toUpperCase();
  if (upper.length !== 1) return code;
  const u = upper.charCodeAt(0);
  return code >= 128 && u < 128 ? code : u;
}

/** `\w` under `i` without `u`: ASCII only, so `\b` is too. */
export function isWordCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}
