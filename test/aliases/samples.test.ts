import { describe, expect, it } from 'vitest';
import { compileFormat } from '../../src/domain/aliases/index.js';
import { literalWords, sampleTexts } from '../../src/domain/aliases/samples.js';

const samples = (format: string, vocabulary: string[] = []) => sampleTexts(compileFormat(format).syntax, vocabulary);

describe('sampleTexts', () => {
  it.each<[string, string[]]>([
    ['pack list', ['pack list']],
    ['pack info {{pack}}', ['pack info sample']],
    ['pack status {{pack=""}}', ['pack status sample', 'pack status']],
    ['(?:deploy|ship) now', ['deploy now', 'ship now']],
    ['colou?r', ['color', 'colour']],
    ['v\\d+\\.\\d+', ['v0.0']],
    ['go [xyz]{2} \\S', ['go xx a']],
    ['a.b', ['aab']],
  ])('%s', (format, expected) => {
    expect(samples(format).sort()).toEqual([...expected].sort());
  });

  it('fills each param with each vocabulary word in turn', () => {
    expect(samples('pack {{verb}} {{pack}}', ['info', 'list']).sort()).toEqual(
      ['pack sample sample', 'pack info sample', 'pack list sample', 'pack sample info', 'pack sample list'].sort(),
    );
  });

  it('produces texts its own format accepts', () => {
    const formats = ['pack deploy {{repo}} {{packs}} {{branch=""}}', '(?:a|b)+ [0-9]{2,3} {{x}}', 'run {{payload={"a": 1}}}'];
    for (const format of formats) {
      const f = compileFormat(format);
      const texts = sampleTexts(f.syntax, ['pack']);
      expect(texts.length).toBeGreaterThan(0);
      expect(texts.filter((t) => f.parse(t) === null)).toEqual([]);
    }
  });

  it('caps the number of samples', () => {
    const texts = sampleTexts(compileFormat('(?:a|b|c|d)(?:e|f|g|h)(?:i|j|k|l) {{x}} {{y}}').syntax, Array.from({ length: 100 }, (_, i) => `w${i}`), 50);
    expect(texts.length).toBe(50);
  });
});

describe('literalWords', () => {
  it('collects the words written literally, in alternations too', () => {
    expect(literalWords(compileFormat('pack (?:info|show) {{x}} now\\d').syntax)).toEqual(['pack', 'info', 'show', 'now']);
  });
});
