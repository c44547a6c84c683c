import { describe, expect, it } from 'vitest';
import { cardEmbed, ELLIPSIS, embedLength, fitEmbed, LIMITS, messageContent, renderUserRefs, TONE_COLORS, truncate } from '../../../adapters/discord/embeds.js';
import type { Tone } from '../../../src/interfaces/chat/types.js';

/** A lone surrogate: what a careless cut leaves behind (Discord rejects it as invalid UTF-8). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const EMOJI = '🚀'; // two UTF-16 code units

describe('truncate', () => {
  it('leaves text at the limit alone and cuts text over it to exactly the limit, ending in an ellipsis', () => {
    expect(truncate('a'.repeat(10), 10)).toBe('a'.repeat(10));
    const cut = truncate('a'.repeat(11), 10);
    expect(cut).toHaveLength(10);
    expect(cut).toBe(`${'a'.repeat(9)}${ELLIPSIS}`);
  });

  it('never splits a surrogate pair: the emoji that would be cut in half is dropped whole', () => {
    // Cutting at 9 units would end between the two halves of the emoji at index 8–9.
    const text = `${'a'.repeat(8)}${EMOJI}${'b'.repeat(5)}`;
    const cut = truncate(text, 10);
    expect(cut).toBe(`${'a'.repeat(8)}${ELLIPSIS}`);
    expect(LONE_SURROGATE.test(cut)).toBe(false);
    // Every cut point through a run of emoji stays well formed.
    const emojis = EMOJI.repeat(50);
    for (let max = 1; max <= 60; max++) {
      const c = truncate(emojis, max);
      expect(c.length).toBeLessThanOrEqual(max);
      expect(LONE_SURROGATE.test(c)).toBe(false);
    }
  });
});

describe('messageContent (2,000 characters)', () => {
  it('keeps content of exactly 2,000 and cuts 2,001 to 2,000', () => {
    expect(messageContent('x'.repeat(LIMITS.content), [])).toHaveLength(LIMITS.content);
    const over = messageContent('x'.repeat(LIMITS.content + 1), []);
    expect(over).toHaveLength(LIMITS.content);
    expect(over.endsWith(ELLIPSIS)).toBe(true);
  });

  it('puts mentions first as <@id> and still stays within 2,000', () => {
    expect(messageContent('done', ['111', '222'])).toBe('<@111> <@222> done');
    const full = messageContent('y'.repeat(LIMITS.content), ['80351110224678912']);
    expect(full.startsWith('<@80351110224678912> y')).toBe(true);
    expect(full).toHaveLength(LIMITS.content);
  });

  it('cuts emoji-heavy content without a lone surrogate', () => {
    const c = messageContent(EMOJI.repeat(1500), []);
    expect(c.length).toBeLessThanOrEqual(LIMITS.content);
    expect(LONE_SURROGATE.test(c)).toBe(false);
  });
});

describe('fitEmbed', () => {
  it('title: 256 kept, 257 cut to 256', () => {
    expect(fitEmbed({ title: 't'.repeat(256) }).title).toHaveLength(256);
    const t = fitEmbed({ title: 't'.repeat(257) }).title!;
    expect(t).toHaveLength(256);
    expect(t.endsWith(ELLIPSIS)).toBe(true);
  });

  it('description: 4,096 kept, 4,097 cut to 4,096', () => {
    expect(fitEmbed({ description: 'd'.repeat(4096) }).description).toHaveLength(4096);
    expect(fitEmbed({ description: 'd'.repeat(4097) }).description).toHaveLength(4096);
  });

  it('field name: 256 kept, 257 cut; field value: 1,024 kept, 1,025 cut', () => {
    const [kept] = fitEmbed({ fields: [{ name: 'n'.repeat(256), value: 'v'.repeat(1024) }] }).fields!;
    expect(kept!.name).toHaveLength(256);
    expect(kept!.value).toHaveLength(1024);
    const [cut] = fitEmbed({ fields: [{ name: 'n'.repeat(257), value: 'v'.repeat(1025) }] }).fields!;
    expect(cut!.name).toHaveLength(256);
    expect(cut!.value).toHaveLength(1024);
    expect(cut!.value.endsWith(ELLIPSIS)).toBe(true);
  });

  it('fields: 25 kept as they are; 26 become 24 and a note saying how many more', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, value: `v${i}` }));
    expect(fitEmbed({ fields: many(25) }).fields!.map((f) => f.name)).toEqual(many(25).map((f) => f.name));
    const fields = fitEmbed({ fields: many(26) }).fields!;
    expect(fields).toHaveLength(25);
    expect(fields[23]!.name).toBe('f23');
    expect(fields[24]!.value).toBe(`${ELLIPSIS} and 2 more`);
    expect(fitEmbed({ fields: many(100) }).fields![24]!.value).toBe(`${ELLIPSIS} and 76 more`);
  });

  it('total: exactly 6,000 kept whole; over it the crossing field is cut and the rest summarised', () => {
    // title 100 + 5 × (name 100 + value 1,000) = 5,600; one more field of 400 makes 6,000.
    const fields = [...Array.from({ length: 5 }, (_, i) => ({ name: `${i}`.padEnd(100, 'n'), value: 'v'.repeat(1000) })), { name: 'x'.repeat(100), value: 'v'.repeat(300) }];
    const exact = fitEmbed({ title: 't'.repeat(100), fields });
    expect(embedLength(exact)).toBe(6000);
    expect(exact.fields!.at(-1)!.value).toHaveLength(300);

    const over = fitEmbed({ title: 't'.repeat(100), fields: [...fields.slice(0, 5), { name: 'x'.repeat(100), value: 'v'.repeat(1000) }, { name: 'y', value: 'z' }] });
    expect(embedLength(over)).toBeLessThanOrEqual(LIMITS.total);
    expect(over.fields!.at(-1)!.value.endsWith(ELLIPSIS)).toBe(true);
    expect(over.fields!.map((f) => f.name)).not.toContain('y');

    // The worst case: every part at its own maximum.
    const worst = fitEmbed({ title: 't'.repeat(999), description: 'd'.repeat(9999), fields: Array.from({ length: 30 }, () => ({ name: 'n'.repeat(999), value: 'v'.repeat(9999) })) });
    expect(embedLength(worst)).toBeLessThanOrEqual(LIMITS.total);
    expect(worst.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fields);
  });

  it('gives empty field names and values a zero-width space (Discord rejects empty ones)', () => {
    const [f] = fitEmbed({ fields: [{ name: '', value: '' }] }).fields!;
    expect(f).toEqual({ name: '\u200b', value: '\u200b' });
  });
});

describe('cardEmbed', () => {
  it('colours by tone, one colour each', () => {
    const tones: Tone[] = ['info', 'working', 'success', 'warning', 'failure'];
    const colours = tones.map((tone) => cardEmbed({ tone, title: 'x', fields: [] }).color);
    expect(colours).toEqual(tones.map((t) => TONE_COLORS[t]));
    expect(new Set(colours).size).toBe(tones.length);
  });

  it('puts short one-line values inline and long or multi-line ones on their own row', () => {
    const e = cardEmbed({ tone: 'success', title: 'Deploy 1 succeeded', fields: [
      { label: 'Repository', value: 'st2contrib' }, { label: 'Packs', value: '✓ a\n✓ b' }, { label: 'Note', value: 'n'.repeat(41) },
    ] });
    expect(e.title).toBe('Deploy 1 succeeded');
    expect(e.fields!.map((f) => f.inline)).toEqual([true, false, false]);
  });
});

describe('renderUserRefs', () => {
  it('shows packbot\'s @<user id> as a Discord mention and leaves everything else alone', () => {
    expect(renderUserRefs('Confirmed by @80351110224678912.')).toBe('Confirmed by <@80351110224678912>.');
    expect(messageContent("That is @80351110224678912's deployment", [])).toBe("That is <@80351110224678912>'s deployment");
    for (const s of ['@alice', 'mail a@80351110224678912', '<@80351110224678912>', '@123', 'v1.0@2']) expect(renderUserRefs(s)).toBe(s);
  });
});
