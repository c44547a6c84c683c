export interface ConsoleLine {
  user?: string;
  channel?: string;
  text: string;
}

/**
 * `@alice #ops !pack deploy demo hello` → who says it, where, and what. The speaker and
 * channel are optional and may come in either order; an `@<bot name>` is left in the text
 * because it addresses the bot rather than naming the speaker.
 */
export function parseConsoleLine(line: string, botName: string): ConsoleLine {
  let rest = line.trim();
  const out: ConsoleLine = { text: '' };
  for (let i = 0; i < 2; i++) {
    const m = /^([@#])([\w.-]+)(?:\s+|$)/.exec(rest);
    if (!m) break;
    const [whole, sigil, name] = m as unknown as [string, '@' | '#', string];
    if (sigil === '@' && (out.user !== undefined || name.toLowerCase() === botName.toLowerCase())) break;
    if (sigil === '#' && out.channel !== undefined) break;
    if (sigil === '@') out.user = name;
    else out.channel = name;
    rest = rest.slice(whole.length);
  }
  out.text = rest.trim();
  return out;
}
