export interface AddressOptions {
  prefix: string;
  /** Tokens that address the bot at the start of a message, e.g. `@packbot`, `<@U0BOT>`. */
  mentionTokens: readonly string[];
  /** A direct message: addressed without prefix or mention. */
  direct?: boolean;
}

function stripMention(text: string, tokens: readonly string[]): string | null {
  const lower = text.toLowerCase();
  for (const token of tokens) {
    if (token === '' || !lower.startsWith(token.toLowerCase())) continue;
    const rest = text.slice(token.length);
    // `@packbot: help`, `@packbot, help`, `@packbot help` — but not `@packbotter help`.
    const m = /^[:,]?(\s+|$)/.exec(rest);
    if (m) return rest.slice(m[0].length);
  }
  return null;
}

/**
 * The command text if the (already normalised) message is addressed to the bot, else null.
 * A mention may be followed by the prefix too (`@packbot !help`); both are stripped.
 */
export function addressedText(text: string, opts: AddressOptions): string | null {
  const trimmed = text.trim();
  const stripPrefix = (t: string) => (opts.prefix && t.startsWith(opts.prefix) ? t.slice(opts.prefix.length).trim() : null);

  const prefixed = stripPrefix(trimmed);
  if (prefixed !== null) return prefixed;
  const mentioned = stripMention(trimmed, opts.mentionTokens);
  if (mentioned !== null) return stripPrefix(mentioned) ?? mentioned.trim();
  if (opts.direct) return trimmed;
  return null;
}
