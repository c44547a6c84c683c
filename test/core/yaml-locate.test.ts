import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { findYamlNode, locateInYaml } from '../../src/core/yaml-locate.js';

const TEXT = [
  'repositories:', //           1
  '  main:', //                 2
  '    repo: https://x/y', //   3
  '    empty:', //              4
  '  1: numbered', //           5
  'list:', //                   6
  '  - a', //                   7
  '  - {flag}', //              8
  '',
].join('\n');

function parse(text = TEXT) {
  const lines = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: lines }), lines };
}

describe('locating a path in YAML', () => {
  const { doc, lines } = parse();
  const at = (path: PropertyKey[], atKey = false) => locateInYaml(doc, lines, path, { atKey });

  it('points at the value, or at its key for problems with the key', () => {
    expect(at(['repositories', 'main', 'repo'])).toEqual({ line: 3, column: 11, depth: 3 });
    expect(at(['repositories', 'main', 'repo'], true)).toEqual({ line: 3, column: 5, depth: 3 });
    expect(at(['list', 0])).toEqual({ line: 7, column: 5, depth: 2 });
  });

  it('falls back to the nearest ancestor that exists, saying how deep it got', () => {
    expect(at(['repositories', 'main', 'token'])).toEqual({ line: 3, column: 5, depth: 2 });
    expect(at(['list', 5])).toEqual({ line: 7, column: 3, depth: 1 });
    expect(at(['nowhere'])).toEqual({ line: 1, column: 1, depth: 0 });
  });

  it('uses the key where a value has no node of its own', () => {
    expect(at(['list', 1, 'flag'])).toMatchObject({ line: 8, column: 6, depth: 3 });
    expect(at(['repositories', 'main', 'empty'])?.line).toBe(4);
  });

  it('matches keys by their text, as the parsed value names them', () => {
    expect(at(['repositories', '1'])).toMatchObject({ line: 5, depth: 2 });
    expect(at(['list', '0'])).toMatchObject({ depth: 1 });
  });

  it('has no position in an empty document', () => {
    const empty = parse('');
    expect(locateInYaml(empty.doc, empty.lines, ['a'])).toBeUndefined();
  });

  it('finds the node itself only when the whole path exists', () => {
    expect(findYamlNode(doc, ['repositories', 'main', 'repo']).node?.toJSON()).toBe('https://x/y');
    expect(findYamlNode(doc, ['repositories', 'main', 'repo']).key?.toJSON()).toBe('repo');
    expect(findYamlNode(doc, ['repositories', 'main', 'token'])).toMatchObject({ node: undefined, key: undefined, depth: 2 });
    expect(findYamlNode(doc, ['list', 1, 'flag'])).toMatchObject({ node: undefined, depth: 3 });
  });
});
