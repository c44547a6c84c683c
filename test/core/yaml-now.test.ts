/**
 * A pack's small files are read without a promise hop (readYamlNow, parseYamlNow): each gives
 * exactly what the async readYaml / parseYaml give the same text — values, places, repeated
 * keys, syntax errors at their lines, every limit — and nothing (null) for a text that readYaml
 * would send to a worker, which goes the async way as before.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_YAML_LIMITS, OFF_THREAD_ABOVE, readYaml, readYamlNow } from '../../src/core/yaml-safe/index.js';
import { parseYaml, parseYamlNow, type YamlResult } from '../../src/domain/packs/problems.js';

const TEXTS: string[] = [
  'name: a\nrunner_type: python-script\nentry_point: a.py\nparameters:\n  p: {type: string, default: [1, {n: 1}]}\n',
  'name: one\nname: two\nrunner_type: x\nname: three\n',
  'name: [unclosed\nrunner_type: x\n',
  'a: 1\n---\nb: 2\n',
  `${'['.repeat(150)}${']'.repeat(150)}\n`,
  'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
  '',
  '# only a comment\n',
  'tab:\n\t- x\n',
  'version: 1.10\n',
];

/** What a caller sees of a YamlResult: its problems, or its value, warnings and places. */
function seen(r: YamlResult) {
  if (!r.ok) return r;
  const { file, text, value, warnings } = r.yaml;
  return { file, text, value, warnings, line: r.yaml.lineOf(['name']), key: r.yaml.lineOf(['name'], true), source: r.yaml.sourceOf(['version']) };
}

describe('reading a small YAML file without a promise', () => {
  it('gives what readYaml gives, limits and errors included', async () => {
    const reads = await Promise.all(TEXTS.map((t) => readYaml(t)));
    // The cases are what they claim: several problems of different kinds.
    expect(new Set(reads.flatMap((r) => (r.ok ? [] : [r.problem.kind])))).toEqual(new Set(['syntax', 'limit']));
    expect(TEXTS.map((t) => readYamlNow(t))).toEqual(reads);
    expect(readYamlNow('a: [1]\n', { limits: { ...DEFAULT_YAML_LIMITS, maxDepth: 0 } })).toEqual(await readYaml('a: [1]\n', { limits: { ...DEFAULT_YAML_LIMITS, maxDepth: 0 } }));
  });

  it('gives what parseYaml gives, problems, warnings and lines included', async () => {
    for (const text of TEXTS) {
      const now = parseYamlNow('actions/a.yaml', text);
      expect(now).not.toBeNull();
      expect(seen(now as YamlResult)).toEqual(seen(await parseYaml('actions/a.yaml', text)));
    }
  });

  it('leaves a text bigger than the inline limit to the async way', () => {
    const big = `k: "${'x'.repeat(OFF_THREAD_ABOVE)}"\n`;
    expect(readYamlNow(big)).toBeNull();
    expect(parseYamlNow('a.yaml', big)).toBeNull();
    expect(readYamlNow(big, { offThreadAbove: Infinity })?.ok).toBe(true);
  });
});
