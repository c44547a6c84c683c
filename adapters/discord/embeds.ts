/**
 * Discord's message limits, and fitting content and embeds inside them. Pure: no client,
 * no I/O, so every limit is unit-tested on its own.
 *
 * Lengths are counted in UTF-16 code units (String#length). Discord counts characters,
 * which is never more than that, so a text that fits here fits there too.
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { Card, Tone } from '../../src/interfaces/chat/types.js';

export const LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  /** Title, description, field names and values, footer and author, across all embeds of a message. */
  total: 6000,
} as const;

export const ELLIPSIS = '…';
/** Discord rejects empty field names and values; a zero-width space renders as nothing. */
const BLANK = '\u200b';
/** Values this short sit side by side; longer ones (or several lines) get a row each. */
const INLINE_MAX = 40;

export const TONE_COLORS: Record<Tone, number> = {
  info: 0x5865f2,
  working: 0x3498db,
  success: 0x2ecc71,
  warning: 0xf1c40f,
  failure: 0xe74c3c,
};

/**
 * `text` cut to at most `max` code units, ending in an ellipsis when cut. A cut that would
 * fall between the two halves of a surrogate pair moves one unit left, so an emoji is
 * dropped whole rather than sent as a lone surrogate (which Discord rejects as invalid).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max < ELLIPSIS.length + 1) return cutAt(text, max);
  return `${cutAt(text, max - ELLIPSIS.length)}${ELLIPSIS}`;
}

function cutAt(text: string, n: number): string {
  const last = text.charCodeAt(n - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? n - 1 : n;
  return text.slice(0, end);
}

/**
 * packbot names Discord people by identity (`@80351110224678912`, from `discord:<id>`);
 * Discord shows `<@id>` as the person's name. Whether that pings is up to allowed_mentions,
 * which lists only the people a message is for.
 */
export function renderUserRefs(text: string): string {
  return text.replace(/(^|[^<\w])@(\d{17,20})\b/g, '$1<@$2>');
}

/** Message content: mentions first (`<@id>`, which Discord renders as a ping), within 2,000. */
export function messageContent(text: string, mentions: readonly string[]): string {
  const prefix = mentions.map((id) => `<@${id}>`).join(' ');
  const body = renderUserRefs(text);
  const joined = prefix && body ? `${prefix} ${body}` : prefix || body;
  return truncate(joined, LIMITS.content);
}

export interface EmbedSpec {
  title?: string;
  description?: string;
  color?: number;
  fields?: Array<{ name: string; value: string; inline?: boolean }>;
}

/** Characters an embed spends from the 6,000 shared by a message's embeds. */
export function embedLength(e: APIEmbed): number {
  let n = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
  for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/**
 * An embed within every limit. Title and description are cut to theirs; fields beyond 25
 * collapse into a last "… and N more" field; when the 6,000 total runs out, the field that
 * crosses it is cut and the rest replaced by that same note if it still fits.
 */
export function fitEmbed(spec: EmbedSpec): APIEmbed {
  const embed: APIEmbed = {};
  let budget: number = LIMITS.total;
  if (spec.color !== undefined) embed.color = spec.color;
  if (spec.title) {
    embed.title = truncate(spec.title, Math.min(LIMITS.title, budget));
    budget -= embed.title.length;
  }
  if (spec.description) {
    embed.description = truncate(spec.description, Math.min(LIMITS.description, budget));
    budget -= embed.description.length;
  }
  const all = spec.fields ?? [];
  const fields: APIEmbedField[] = [];
  for (const [i, f] of all.entries()) {
    const left = all.length - i;
    // The 25th slot is kept for the note when more than 25 would follow.
    if (fields.length === LIMITS.fields - 1 && left > 1) return withMore(embed, fields, left, budget);
    const name = truncate(f.name || BLANK, LIMITS.fieldName);
    const value = truncate(f.value || BLANK, LIMITS.fieldValue);
    if (name.length + value.length <= budget) {
      fields.push({ name, value, ...(f.inline !== undefined ? { inline: f.inline } : {}) });
      budget -= name.length + value.length;
      continue;
    }
    // Out of room: cut this value to what is left (if a few characters are), then stop.
    const room = budget - name.length;
    if (room >= ELLIPSIS.length + 1) {
      fields.push({ name, value: truncate(value, room) });
      budget -= name.length + room;
    }
    return withMore(embed, fields, left - (room >= ELLIPSIS.length + 1 ? 1 : 0), budget);
  }
  if (fields.length > 0) embed.fields = fields;
  return embed;
}

function withMore(embed: APIEmbed, fields: APIEmbedField[], more: number, budget: number): APIEmbed {
  const note: APIEmbedField = { name: BLANK, value: `${ELLIPSIS} and ${more} more` };
  if (more > 0 && fields.length < LIMITS.fields && note.name.length + note.value.length <= budget) fields.push(note);
  if (fields.length > 0) embed.fields = fields;
  return embed;
}

/** A packbot card as an embed: colour by tone, short fields inline. */
export function cardEmbed(card: Card): APIEmbed {
  return fitEmbed({
    title: card.title,
    color: TONE_COLORS[card.tone],
    fields: card.fields.map((f) => ({
      name: f.label,
      value: f.value,
      inline: f.value.length <= INLINE_MAX && !f.value.includes('\n'),
    })),
  });
}
