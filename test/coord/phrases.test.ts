import { describe, expect, it } from 'vitest';
import { choosePhrase, generatePhrase, normalizePhrase, phraseMatches, WORDS } from '../../src/services/coord/phrases.js';

describe('confirmation phrases', () => {
  it('generates three distinct bundled words shaped like "alas! ear wax!"', () => {
    for (let i = 0; i < 200; i++) {
      const phrase = generatePhrase();
      const m = /^([a-z]+)! ([a-z]+) ([a-z]+)!$/.exec(phrase);
      expect(m, phrase).not.toBeNull();
      const words = m?.slice(1) ?? [];
      expect(new Set(words).size).toBe(3);
      for (const w of words) expect(WORDS).toContain(w);
    }
  });

  it('is deterministic for a given picker, and uses the configured list when there is one', () => {
    expect(generatePhrase(WORDS, () => 0)).toBe('alas! ear wax!');
    expect(choosePhrase(['ship it', 'go go go'], () => 1)).toBe('go go go');
    expect(choosePhrase([], () => 0)).toMatch(/^alas! /);
  });

  it('has no duplicate words in the bundled list', () => {
    expect(new Set(WORDS).size).toBe(WORDS.length);
    expect(WORDS.length).toBeGreaterThanOrEqual(150);
  });

  it.each([
    ['alas! ear wax!', true],
    ['ALAS EAR WAX', true],
    ['  alas ,  ear   wax!!! ', true],
    ['“alas!” ear wax', true],
    ['alas ear', false],
    ['alas ear wax please', false],
    ['alas earwax', false],
    ['', false],
  ])('typing %j matches "alas! ear wax!": %s', (typed, expected) => {
    expect(phraseMatches(typed, 'alas! ear wax!')).toBe(expected);
  });

  it('never matches an empty phrase', () => {
    expect(phraseMatches('', '!!!')).toBe(false);
    expect(normalizePhrase('¡Olé!  Ça   va?')).toBe('olé ça va');
  });
});
