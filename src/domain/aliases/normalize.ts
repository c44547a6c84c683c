/**
 * Chat clients "improve" what people type: phones turn quotes curly, Slack and Teams insert
 * non-breaking spaces, copy-paste brings zero-width joiners. Formats are written with plain
 * ASCII, so text is folded back to it before anything is matched.
 */

// Built once at module load; `replace` with a global regex resets lastIndex, so sharing is safe.
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u00AB\u00BB\u2033\uFF02]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2039\u203A\u2032\uFF07]/g;
// NBSP, Ogham space, en/em/thin/hair/figure spaces, narrow NBSP, math space, ideographic space,
// line/paragraph separators: all become a plain space so `\s+` and trimming treat them alike.
const UNICODE_SPACES = /[\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/g;
// Zero-width space/non-joiner/joiner, word joiner, BOM, soft hyphen: invisible, so removed.
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

export function normalizeText(text: string): string {
  return text
    .replace(ZERO_WIDTH, '')
    .replace(DOUBLE_QUOTES, '"')
    .replace(SINGLE_QUOTES, "'")
    .replace(UNICODE_SPACES, ' ')
    .trim();
}
