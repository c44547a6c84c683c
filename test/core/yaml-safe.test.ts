/**
 * The bounded YAML reader, on the calling thread (the worker is in yaml-worker.test.ts): for
 * ordinary files it gives what `parseDocument` / `parseAllDocuments` gave the pack and alias
 * readers before it (values, first errors and their lines, the line of every path), and each
 * limit gives one line naming the limit and the fix. One difference on purpose: a single
 * document (pack metadata) reads a repeated key as PyYAML does, the last value winning, and
 * lists the repeats instead of failing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, stringify, type Document } from 'yaml';
import { findYamlNode, locateInYaml } from '../../src/core/yaml-locate.js';
import { DEFAULT_YAML_LIMITS, YamlPlaces, type YamlLimits } from '../../src/core/yaml-safe/index.js';
import { readYamlDocuments, readYamlText, type YamlRead } from '../../src/core/yaml-safe/read.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return yamlFilesUnder(file);
    return /\.ya?ml$/.test(name) ? [file] : [];
  });
}

const TRICKY = [
  '', '---\n', '# only a comment\n', 'a: 1\nb: [1, {c: d}]\n', '{key}\n', '? complex\n: v\n', '1: one\n"1": two\n',
  'a: &x {b: 1}\nc: *x\n', 'version: 1.10\nv2: "1.10"\n', 'a: 1\na: 2\n', '{a: 1, a: 2}\n', 'x:\n  - {a: 1, b: 2, a: 1}\n',
  'a: [unclosed\n', 'name: r\n  trigger: x\n', '---\na: 1\n---\nb: 2\n', '[a: 1, b]\n', 'a:\n- 1\n- 2\n', '!!str 1: x\n',
  '? [a, b]\n: c\n', '<<: {a: 1}\n', '__proto__: x\nconstructor: y\n', 'a: .nan\n.nan: 1\n.nan: 2\n',
  'a: "x"\nb: |\n  block\n  text\nc: >-\n  folded\n', 'a:\n  b:\n    c:\n      d: 1\n', '- a\n- b: c\n  d: e\n',
  '\t- tab\n', 'a: b: c\n', "a: 'unterminated\n", '%YAML 1.1\n---\na: yes\n', 'a: *nowhere\n', 'a: &a [*a]\n',
  'a: 1\r\nb:\r\n  - c\r\n', 'k: v\n...\n', 'a: !!binary aGVsbG8=\n', 'a: 2001-12-14\n', '"quoted key": {x: [1, 2, [3, {y: z}]]}\n',
  'a:\n  - b\n  -\n  - ~\n', 'a: x\n\n\n# trailing\nb: y\n', '- - - x\n  - y\n', 'a: {b: , c}\n',
];

/** Every path into a value, and some that do not exist, as zod and the checks name them. */
function pathsOf(value: unknown, prefix: PropertyKey[] = [], out: PropertyKey[][] = []): PropertyKey[][] {
  out.push(prefix, [...prefix, 'missing'], [...prefix, 7]);
  if (prefix.length > 6) return out; // `a: &a [*a]` is its own element
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out.slice(0, 400);
}

/** What the pack reader did before: parseDocument, the first error, toJS; repeated keys read as PyYAML reads them. */
function before(text: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const first = doc.errors[0];
  if (first) return { doc, lines, error: { line: lines.linePos(first.pos[0]).line, message: first.message } };
  try {
    return { doc, lines, value: doc.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (err) {
    return { doc, lines, thrown: (err as Error).message };
  }
}

function sourceBefore(doc: Document, text: string, p: PropertyKey[]): string | undefined {
  const { node } = findYamlNode(doc, p);
  return isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]).trim() : undefined;
}

/** The lines of every repeat of a key, as yaml's own (quadratic) unique-keys check reports them. */
function repeatLines(text: string): number[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return doc.errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => lines.linePos(e.pos[0]).line).sort((a, b) => a - b);
}

/** Whether two keys of one mapping name the same path (`a`/`a`, `1`/`"1"`): yaml-locate finds the first, the reader the last. */
function keysShareText(node: unknown): boolean {
  if (isMap(node)) {
    const texts = node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : null)).filter((t) => t !== null);
    return new Set(texts).size < texts.length || node.items.some((p) => keysShareText(p.key) || keysShareText(p.value));
  }
  return isSeq(node) && node.items.some(keysShareText);
}

function expectSameAsBefore(text: string, read: YamlRead = readYamlText(text, DEFAULT_YAML_LIMITS)): void {
  const old = before(text);
  if (old.error) {
    expect(read).toEqual({ ok: false, problem: { kind: 'syntax', ...old.error } });
    return;
  }
  if (old.thrown !== undefined) {
    expect(read).toMatchObject({ ok: false, problem: { kind: 'read', message: old.thrown } });
    return;
  }
  if (!read.ok) throw new Error(`expected a value for ${JSON.stringify(text)}, got ${JSON.stringify(read.problem)}`);
  expect(read.value).toEqual(old.value);
  expect(read.duplicates.flatMap((d) => d.lines.slice(1)).sort((a, b) => a - b)).toEqual(repeatLines(text));
  if (keysShareText(old.doc.contents)) return; // their places: 'places of repeated keys' below
  const places = new YamlPlaces(read.outline, read.lineStarts, text);
  for (const p of pathsOf(old.value)) {
    for (const atKey of [false, true]) expect(places.locate(p, atKey), `${JSON.stringify(text)} at ${String(p)}`).toEqual(locateInYaml(old.doc, old.lines, p, { atKey }));
    expect(places.sourceOf(p)).toBe(sourceBefore(old.doc, text, p));
  }
}

describe('reading as parseDocument did', () => {
  const files = [...yamlFilesUnder(path.join(ROOT, 'examples')), ...yamlFilesUnder(path.join(ROOT, 'aliases'))];

  it('reads every bundled pack and alias file the same', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expectSameAsBefore(readFileSync(file, 'utf8'));
  });

  it.each(TRICKY.map((t) => [JSON.stringify(t), t]))('reads %s the same', (_label, text) => {
    expectSameAsBefore(text);
  });

  it('reads generated documents the same, with and without duplicate keys', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), fc.boolean(), (value, duplicate) => {
      let text = stringify(value, { collectionStyle: duplicate ? 'flow' : 'any' });
      if (duplicate && /^\{/.test(text)) text = text.replace(/^\{/, '{ same: 1, same: 2, ');
      expectSameAsBefore(text);
    }), { numRuns: 300 });
  });

  it('keeps the last value of a repeated key, as PyYAML does, and lists every repeat with its lines', () => {
    const read = readYamlText('a: 1\nb:\n  c: x\n  c: y\n  c: z\na: 2\nlist:\n  - {k: 1, k: 2}\n', DEFAULT_YAML_LIMITS);
    expect(read).toMatchObject({ ok: true, value: { a: 2, b: { c: 'z' }, list: [{ k: 2 }] } });
    expect(read.ok && read.duplicates).toEqual([
      { path: ['b', 'c'], lines: [3, 4, 5] },
      { path: ['a'], lines: [1, 6] },
      { path: ['list', 0, 'k'], lines: [8, 8] },
    ]);
  });

  it('finds repeated keys in wide mappings in linear time (yaml is never asked to compare them)', () => {
    const wide = Array.from({ length: 3000 }, (_, i) => `k${i % 2500}: ${i}`).join('\n');
    const read = readYamlText(wide, DEFAULT_YAML_LIMITS);
    if (!read.ok) throw new Error(read.problem.message);
    expect(read.duplicates).toHaveLength(500);
    expect(read.duplicates[0]).toEqual({ path: ['k0'], lines: [1, 2501] });
    expect((read.value as Record<string, number>)['k0']).toBe(2500);
  });
});

describe('places of repeated keys', () => {
  it('are the places of the last one: the value the file keeps', () => {
    const text = 'version: 1.10\nname: a\nversion: 2.30\n1: one\n"1": two\n';
    const read = readYamlText(text, DEFAULT_YAML_LIMITS);
    if (!read.ok) throw new Error(read.problem.message);
    const places = new YamlPlaces(read.outline, read.lineStarts, text);
    expect(places.locate(['version'])?.line).toBe(3);
    expect(places.sourceOf(['version'])).toBe('2.30');
    expect(places.locate(['1'])?.line).toBe(5);
    expect(read.value).toEqual({ version: 2.3, name: 'a', 1: 'two' });
  });
});

describe('alias files (every document) keep refusing repeated keys', () => {
  it('with the same error whether yaml or packbot compares the keys', () => {
    const wide = Array.from({ length: 3000 }, (_, i) => `k${i % 2500}: ${i}`).join('\n');
    for (const text of [wide, ...TRICKY]) {
      expect(readYamlDocuments(text, DEFAULT_YAML_LIMITS, 0)).toEqual(readYamlDocuments(text, DEFAULT_YAML_LIMITS, Infinity));
    }
    const read = readYamlDocuments(wide, DEFAULT_YAML_LIMITS);
    expect(read.ok && read.docs[0]?.errors[0]).toEqual({ line: 2501, message: 'Map keys must be unique' });
  });
});

describe('reading every document as parseAllDocuments did', () => {
  it.each(TRICKY.map((t) => [JSON.stringify(t), t]))('reads %s the same', (_label, text) => {
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: lines });
    const read = readYamlDocuments(text, DEFAULT_YAML_LIMITS);
    if (!read.ok) throw new Error(read.problem.message);
    expect(read.docs).toHaveLength(Array.isArray(docs) ? docs.length : 0);
    read.docs.forEach((doc, i) => {
      const old = (docs as Document.Parsed[])[i] as Document.Parsed;
      const firstLine = (m: string) => (m.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      expect(doc.errors.map((e) => ({ line: e.line, message: firstLine(e.message) }))).toEqual(old.errors.map((e) => ({ line: e.linePos?.[0].line, message: firstLine(e.message) })));
      if (old.errors.length > 0) return;
      let value: unknown;
      try {
        value = old.toJS();
      } catch (err) {
        expect(doc.readError).toBeDefined();
        return;
      }
      expect(doc.value).toEqual(value);
      if (keysShareText(old.contents)) return;
      const places = new YamlPlaces(doc.outline, read.lineStarts, text);
      for (const p of pathsOf(value)) expect(places.locate(p)).toEqual(locateInYaml(old, lines, p));
    });
  });
});

describe('limits: one line naming the limit and the fix', () => {
  const problem = (text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS) => {
    const read = readYamlText(text, limits);
    return read.ok ? null : read.problem;
  };
  const nestedMaps = (levels: number) => `${Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} end\n`;

  it('nesting: flow, compact and indented', () => {
    const deep = 'is nested more than 100 levels deep; packbot reads at most 100 levels — flatten the file';
    expect(problem(`${'['.repeat(101)}${']'.repeat(101)}`)).toEqual({ kind: 'limit', message: deep });
    expect(problem('['.repeat(1_000_000))).toEqual({ kind: 'limit', message: deep });
    expect(problem(`${'- '.repeat(101)}x`)).toEqual({ kind: 'limit', message: deep });
    expect(problem('a: '.repeat(340_000))).toEqual({ kind: 'limit', message: deep });
    expect(problem('{a: 1}, '.repeat(130_000))).toEqual({ kind: 'limit', message: deep });
    expect(problem(nestedMaps(101))).toEqual({ kind: 'limit', message: 'is nested 101 levels deep; packbot reads at most 100 levels — flatten the file' });
    expect(problem(nestedMaps(100))).toBeNull();
    expect(problem(`${'['.repeat(100)}${']'.repeat(100)}`)).toBeNull();
  });

  it('keys in the whole file', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join('\n');
    expect(problem(keys(20_001))).toEqual({ kind: 'limit', message: 'has 20001 keys; packbot reads at most 20000 per file — split the file' });
    expect(problem(keys(70_000))).toEqual({ kind: 'limit', message: 'has 70000 keys; packbot reads at most 20000 per file — split the file' });
    expect(problem(keys(300), { ...DEFAULT_YAML_LIMITS, maxKeys: 300 })).toBeNull();
    expect(problem('a: {b: 1, c: 2}\nd: 3\n', { ...DEFAULT_YAML_LIMITS, maxKeys: 3 })).toEqual({ kind: 'limit', message: 'has 4 keys; packbot reads at most 3 per file — split the file' });
  });

  it('values in the whole file', () => {
    expect(problem('- 1\n'.repeat(100_001))).toEqual({ kind: 'limit', message: 'has 100001 values; packbot reads at most 100000 per file — split the file' });
    const small = { ...DEFAULT_YAML_LIMITS, maxNodes: 300 };
    expect(problem('- 1\n'.repeat(299), small)).toBeNull();
    expect(problem('- 1\n'.repeat(300), small)).toEqual({ kind: 'limit', message: 'has 301 values; packbot reads at most 300 per file — split the file' });
  });

  it('alias expansion ("billion laughs")', () => {
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const n of 'bcdefghi') laughs.push(`${n}: &${n} [${Array(9).fill(`*${String.fromCharCode(n.charCodeAt(0) - 1)}`).join(',')}]`);
    expect(problem(laughs.join('\n'))).toEqual({ kind: 'limit', message: "expands its aliases (*name) more than packbot's limit of 100 allows — write the values out in full" });
  });

  it('bytes, counted in UTF-8', () => {
    expect(problem(`# ${'é'.repeat(524_288)}\n`)).toEqual({ kind: 'limit', message: 'is 1048579 bytes; packbot reads at most 1048576 bytes per YAML file — split the file' });
  });
});
