import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AliasTable, normalizeText, type AliasDefinition } from '../../src/domain/aliases/index.js';
import { editDistance } from '../../src/domain/aliases/closest.js';
import { compileAlias } from '../../src/domain/aliases/matcher.js';
import { alias } from './helpers.js';

/**
 * "Did you mean" is pruned and banded for speed (issue 19); what it suggests must stay what
 * the plain rule gives: every distinct prefix (literal and display, first alias wins), the
 * edit distance to the text's start cut by characters and by words, the nearest within
 * max(2, 40% of the prefix), then the longer prefix, then table order.
 */
function plainRule(defs: AliasDefinition[], text: string): { alias: string; display: string } | undefined {
  const seen = new Set<string>();
  const suggestions: Array<{ prefix: string; alias: string; display: string }> = [];
  for (const { alias: a, formats } of defs.filter((d) => d.enabled).map(compileAlias)) {
    for (const f of formats) {
      for (const prefix of [f.compiled.literalPrefix, f.displayPrefix]) {
        if (prefix === '' || seen.has(prefix)) continue;
        seen.add(prefix);
        suggestions.push({ prefix, alias: a.name, display: f.display });
      }
    }
  }
  const t = normalizeText(text).toLowerCase().replace(/\s+/g, ' ');
  const words = t.split(' ');
  let best: { s: (typeof suggestions)[number]; d: number } | undefined;
  for (const s of suggestions) {
    const byChars = editDistance(s.prefix, t.slice(0, s.prefix.length));
    const byWords = editDistance(s.prefix, words.slice(0, s.prefix.split(' ').length).join(' '));
    const d = Math.min(byChars, byWords);
    if (d > Math.max(2, Math.floor(s.prefix.length * 0.4))) continue;
    if (!best || d < best.d || (d === best.d && s.prefix.length > best.s.prefix.length)) best = { s, d };
  }
  return best && { alias: best.s.alias, display: best.s.display };
}

function suggested(table: AliasTable, text: string) {
  const result = table.match(text);
  if (result.kind !== 'none') return result.kind;
  return result.closest && { alias: result.closest.alias.name, display: result.closest.display };
}

// A small alphabet so prefixes share starts, differ by a letter or a swap, and tie often.
const word = fc.stringMatching(/^[abcde]{1,6}$/);
const prefixWords = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
const definition = fc.record({
  prefix: prefixWords,
  display: fc.option(prefixWords, { nil: undefined }),
  params: fc.integer({ min: 0, max: 2 }),
});

/** The text a user might send: a prefix or display mangled a little, or anything at all. */
function textFor(prefixes: string[]) {
  const edit = fc.tuple(fc.constantFrom('drop', 'swap', 'add', 'change', 'space'), fc.nat(), fc.constantFrom('a', 'b', 'e', 'z', ' '));
  const mangled = fc.tuple(fc.constantFrom(...prefixes), fc.array(edit, { maxLength: 3 }), fc.constantFrom('', ' x', ' 1 2 3', '  Q  r', ` ${'y '.repeat(60)}`)).map(([p, edits, tail]) => {
    let s = p;
    for (const [kind, at, c] of edits) {
      const i = s.length === 0 ? 0 : at % s.length;
      if (kind === 'drop') s = s.slice(0, i) + s.slice(i + 1);
      else if (kind === 'swap' && i + 1 < s.length) s = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
      else if (kind === 'add') s = s.slice(0, i) + c + s.slice(i);
      else if (kind === 'change') s = s.slice(0, i) + c + s.slice(i + 1);
      else if (kind === 'space') s = `${s.slice(0, i)}   ${s.slice(i)}`;
    }
    return s + tail;
  });
  return fc.oneof(mangled, fc.string({ maxLength: 40 }), fc.stringMatching(/^[abcdez ]{0,30}$/));
}

type Drawn = { prefix: string; display?: string | undefined; params: number };

/** Aliases from drawn prefixes: params after the prefix, then a literal so none is optional. */
function definitionsOf(ds: Drawn[]): AliasDefinition[] {
  return ds.map((d, i) => {
    const params = Array.from({ length: d.params }, (_, k) => ` {{p${k}}}`).join('');
    const display = d.display === undefined ? `${d.prefix}${' <x>'.repeat(d.params)}` : `${d.display} <x>`;
    return alias(`a${i}`, [{ display, representation: [`${d.prefix}${params} zzq`] }]);
  });
}

function agrees(ds: Drawn[], text: string): void {
  const defs = definitionsOf(ds);
  const table = new AliasTable(defs);
  if (table.match(text).kind !== 'none') return;
  expect(suggested(table, text), text).toEqual(plainRule(defs, text));
}

describe('"did you mean" gives what the plain rule gives', () => {
  it('on random tables of near-alike prefixes and mangled texts', () => {
    fc.assert(
      fc.property(
        fc.array(definition, { minLength: 1, maxLength: 25 }).chain((ds) => fc.tuple(fc.constant(ds), textFor(ds.flatMap((d) => [d.prefix, d.display ?? d.prefix])))),
        ([ds, text]) => agrees(ds, text),
      ),
      { numRuns: Number(process.env.RUNS ?? 400), seed: Number(process.env.SEED ?? 19) },
    );
  });

  // Found by the property above at 20,000+ runs against pruning bounds that were too eager:
  // the cut by words (the text's words shorter than the prefix's), and a prefix longer than the text.
  it.each<[Drawn[], string]>([
    [[{ prefix: 'ce adabba', params: 2 }, { prefix: 'eee cdad edabd', display: 'c ac a', params: 1 }, { prefix: 'dcead', display: 'ea cecace cacdac', params: 2 }, { prefix: 'edc cdaced', params: 0 }], 'ced abba'],
    [[{ prefix: 'cc cbbae aaccbe ad', display: 'a ddabae', params: 2 }, { prefix: 'ede aaeadc aa', display: 'dca', params: 0 }, { prefix: 'ea', display: 'ccaab cbea acb cdad', params: 0 }], 'e de eadc aa  Q  r'],
    [[{ prefix: 'cabc', display: 'dec aaba', params: 0 }, { prefix: 'debca', params: 2 }, { prefix: 'bb dcb', display: 'dbad', params: 1 }, { prefix: 'eb', display: 'ab', params: 1 }], 'd   ba'],
    // A tie found off the text's own branch: the equal prefix earlier in the table still wins.
    [[{ prefix: 'xab', params: 1 }, { prefix: 'yab', params: 1 }], 'yxab'],
  ])('pinned: %j / %j', (ds, text) => agrees(ds, text));

  it("on a table shaped like the bench's: a typo, a stranger, long texts", () => {
    const defs = Array.from({ length: 200 }, (_, i) => {
      const svc = `svc${Math.floor(i / 10)}`;
      const verb = ['deploy', 'diff', 'status', 'restore', 'restart', 'rollback', 'lock', 'unlock', 'logs', 'scale'][i % 10]!;
      return alias(`${svc}_${verb}_${i}`, [{ display: `${svc} ${verb} <target> [env]`, representation: [`${svc} ${verb} {{target}} {{ref}} to {{env=staging}}`, `${svc} ${verb} {{target}} {{env=""}}`] }]);
    });
    const table = new AliasTable(defs);
    for (const text of ['svc12 deplyo web main to prod', 'hello there, how are you today?', `svc1 rsetore web ${'x '.repeat(2000)}`, 'svc 1 deploy', 'svc13', 'scv2 lgos', `svc3${' '.repeat(500)}lokc a`, 'x'.repeat(5000)]) {
      expect(suggested(table, text), text.slice(0, 40)).toEqual(plainRule(defs, text));
    }
  });
});
