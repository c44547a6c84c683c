/**
 * Chat markup → text for a terminal. Replies reach the console rendered by the shared
 * templates, which write Slack-style mrkdwn (`*bold*`, `_italic_`, `~strike~`, `` `code` ``);
 * operator templates and pasted text may also carry Slack's `<@U1>`, `<url|text>`,
 * `&lt;` entities and `:emoji:` codes. A terminal shows none of that, so each is turned
 * into what it means: ANSI styles when colour is on, the bare words otherwise. Code spans
 * keep their backticks in plain text, since there they are the only sign of a command.
 */

export interface MarkupOptions {
  /** ANSI styles (stdout is a terminal and NO_COLOR is unset); otherwise plain text. */
  color: boolean;
}

const STYLE = {
  bold: ['\x1b[1m', '\x1b[22m'],
  italic: ['\x1b[3m', '\x1b[23m'],
  strike: ['\x1b[9m', '\x1b[29m'],
  code: ['\x1b[36m', '\x1b[39m'],
} as const;

/** The codes packbot's own messages use (Slack tones, lock notices), as glyphs; others stay as typed. */
const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  information_source: 'ℹ️',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  lock: '🔒',
  unlock: '🔓',
  rocket: '🚀',
  arrow_forward: '▶️',
  leftwards_arrow_with_hook: '↩️',
  tada: '🎉',
};

// C0 controls but newline and tab, DEL, C1: text from git or a user must not move the cursor or recolour the terminal.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

// Slack's angle forms only: a user mention, a channel, a special mention, a link. `<repo>` in a usage line is none of them.
const ANGLE = /<(@[UW][A-Z0-9]+|#C[A-Z0-9]+|![a-z]+(?:\^[^>|]*)?|(?:https?|mailto):[^>|\s]+)(?:\|([^>]*))?>/g;

// Emphasis as Slack reads it: markers outside words, content not starting or ending with a space.
const EMPHASIS: Array<[RegExp, keyof typeof STYLE]> = [
  [/(?<![\w_])_([^_\s](?:[^_\n]*[^_\s])?)_(?![\w_])/g, 'italic'],
  [/(?<![\w~])~([^~\s](?:[^~\n]*[^~\s])?)~(?![\w~])/g, 'strike'],
  [/(?<![\w*])\*([^*\s](?:[^*\n]*[^*\s])?)\*(?![\w*])/g, 'bold'],
];

function angle(_whole: string, target: string, label: string | undefined): string {
  if (target.startsWith('@')) return label ? `@${label.replace(/^@/, '')}` : target;
  if (target.startsWith('#')) return label ? `#${label.replace(/^#/, '')}` : target;
  if (target.startsWith('!')) return label ?? `@${target.slice(1).split('^')[0] ?? ''}`;
  const url = target.replace(/^mailto:/, '');
  return label && label !== target && label !== url ? `${label} (${url})` : url;
}

function decodeEntities(text: string): string {
  // One pass, so `&amp;lt;` becomes `&lt;` and not `<`.
  return text.replace(/&(lt|gt|amp);/g, (_m, name: string) => ({ lt: '<', gt: '>', amp: '&' })[name] ?? '');
}

/** Text outside code spans. */
function prose(text: string, opts: MarkupOptions): string {
  let out = decodeEntities(text.replace(ANGLE, angle));
  out = out.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
  for (const [re, style] of EMPHASIS) {
    out = out.replace(re, (_m, inner: string) => (opts.color ? `${STYLE[style][0]}${inner}${STYLE[style][1]}` : inner));
  }
  return out;
}

/** A code span whose fence is `fence` (as many backticks as opened it); its content as CommonMark reads it. */
function code(fence: string, content: string, opts: MarkupOptions): string {
  if (!opts.color) return `${fence}${content}${fence}`;
  const inner = content.length > 1 && content.startsWith(' ') && content.endsWith(' ') ? content.slice(1, -1) : content;
  return `${STYLE.code[0]}${inner}${STYLE.code[1]}`;
}

/** One line: code spans found first (nothing inside them is markup), the prose between them rendered. */
function renderLine(line: string, opts: MarkupOptions): string {
  let out = '';
  let rest = line;
  for (;;) {
    const open = /`+/.exec(rest);
    if (!open) break;
    const fence = open[0];
    const after = rest.slice(open.index + fence.length);
    // The closing fence is a run of exactly as many backticks.
    const close = new RegExp(`(?<!\`)${fence}(?!\`)`).exec(after);
    if (!close || close.index === 0) {
      out += prose(rest.slice(0, open.index), opts) + fence;
      rest = after;
      continue;
    }
    out += prose(rest.slice(0, open.index), opts) + code(fence, after.slice(0, close.index), opts);
    rest = after.slice(close.index + fence.length);
  }
  return out + prose(rest, opts);
}

/** Chat markup → terminal text, line by line (no style runs past the end of a line). Pure. */
export function renderMarkup(text: string, opts: MarkupOptions): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(CONTROL, '')
    .split('\n')
    .map((line) => renderLine(line, opts))
    .join('\n');
}
