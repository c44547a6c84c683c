/**
 * Reading YAML text within limits, into plain data that can cross a thread boundary: the value,
 * an outline of where things are, the line starts, and the problems. Synchronous and
 * self-contained, so the same function runs inline for small files and in a worker for big ones.
 *
 * It does what `parseDocument` / `parseAllDocuments` do (Parser, then Composer), but measures
 * the syntax tree in between, so nothing recursive or quadratic runs on a file over a limit.
 * With the options the pack and alias readers always used, the documents, values and error
 * messages are the ones those two functions give — but for one thing: a single document (a
 * pack's metadata) reads a repeated mapping key as PyYAML, StackStorm's parser, does. The last
 * value wins and the repeats are reported beside the value, for the caller to warn about.
 */
import { Composer, isMap, isScalar, isSeq, LineCounter, Parser, YAMLParseError, type CST, type Document } from 'yaml';
import { errorMessage } from '../caught.js';
import { exceededLimit, measureCst, prescanTokens, tooManyAliases, tooManyBytes, type YamlLimits } from './limits.js';
import { outlineOf, type OutlineNode } from './outline.js';

/** `kind: 'limit'` problems are about the file as a whole and carry no line. */
export type YamlProblem = { kind: 'syntax'; line: number; message: string } | { kind: 'read' | 'limit'; message: string };

/** A mapping key written more than once: `path` ends with the key; `lines` are every occurrence's, in order. */
export interface DuplicateKey {
  path: Array<string | number>;
  lines: number[];
}

export type YamlRead =
  | { ok: true; value: unknown; outline: OutlineNode | null; lineStarts: number[]; duplicates: DuplicateKey[] }
  | { ok: false; problem: YamlProblem };

export interface YamlDoc {
  /** Syntax errors, each at its line; a document with any has no value. */
  errors: Array<{ line: number; message: string }>;
  value: unknown;
  outline: OutlineNode | null;
  /** Why the value could not be built (alias expansion over the limit). */
  readError?: string;
}

export type YamlDocsRead =
  | { ok: true; docs: YamlDoc[]; lineStarts: number[] }
  | { ok: false; problem: YamlProblem };

/**
 * Largest mapping left to yaml's own duplicate-key check, which compares every key with every
 * earlier one. Wider mappings are checked here in linear time, with the same message.
 */
export const QUADRATIC_KEY_CHECK_MAX = 1000;

interface Parsed {
  tokens: CST.Token[];
  lines: LineCounter;
  uniqueKeys: boolean;
}

function parse(text: string, limits: YamlLimits, wideMapsFrom: number): Parsed | YamlProblem {
  const bytes = tooManyBytes(Buffer.byteLength(text, 'utf8'), limits);
  if (bytes) return { kind: 'limit', message: bytes };
  const lexemes: string[] = [];
  const early = prescanTokens(text, limits, lexemes);
  if (early) return { kind: 'limit', message: early };
  const lines = new LineCounter();
  const tokens = parseLexemes(lexemes, lines);
  const measure = measureCst(tokens);
  const over = exceededLimit(measure, limits);
  if (over) return { kind: 'limit', message: over };
  return { tokens, lines, uniqueKeys: measure.widestMap <= wideMapsFrom };
}

/**
 * `new Parser(lines.addNewLine).parse(text)`, on the tokens the prescan already lexed from
 * `text`: what `parse` does (a first line at 0, `next` per token, `end`) without the second
 * lexing, a fifth of a small file's reading.
 */
function parseLexemes(lexemes: readonly string[], lines: LineCounter): CST.Token[] {
  const parser = new Parser(lines.addNewLine);
  const tokens: CST.Token[] = [];
  lines.addNewLine(0);
  for (const lexeme of lexemes) for (const token of parser.next(lexeme)) tokens.push(token);
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

/**
 * One document, as `parseDocument(text, { prettyErrors: false, uniqueKeys: false })` and `toJS`
 * read it: a repeated key keeps its last value (PyYAML's `mapping[key] = value`), and every
 * repeat is listed in `duplicates`, found in linear time (yaml's own check is quadratic).
 */
export function readYamlText(text: string, limits: YamlLimits): YamlRead {
  // Wide maps are never compared key by key here, so any width is fine to compose.
  const parsed = parse(text, limits, 0);
  if ('kind' in parsed) return { ok: false, problem: parsed };
  const { tokens, lines } = parsed;
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
  let doc: Document.Parsed | null = null;
  // As parseDocument: the first document, and an error if there is another.
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  if (!doc) throw new Error('yaml composed no document'); // compose(…, forceDoc = true) always yields one
  const syntax = doc.errors[0];
  // Only the first: after a syntax error the parser's further complaints are mostly echoes of it.
  if (syntax) return { ok: false, problem: { kind: 'syntax', line: lines.linePos(syntax.pos[0]).line, message: syntax.message } };
  const value = toJS(doc, limits);
  if (!value.ok) return { ok: false, problem: value.problem };
  const duplicates = repeatedKeys(doc).map(({ path, offsets }) => ({ path, lines: offsets.map((o) => lines.linePos(o).line) }));
  return { ok: true, value: value.value, outline: outlineOf(doc.contents), lineStarts: lines.lineStarts, duplicates };
}

/** Every document, as `parseAllDocuments(text)` and `toJS()` read them. */
export function readYamlDocuments(text: string, limits: YamlLimits, wideMapsFrom = QUADRATIC_KEY_CHECK_MAX): YamlDocsRead {
  const parsed = parse(text, limits, wideMapsFrom);
  if ('kind' in parsed) return { ok: false, problem: parsed };
  const { tokens, lines, uniqueKeys } = parsed;
  const docs = Array.from(new Composer({ uniqueKeys }).compose(tokens)).map((doc): YamlDoc => {
    if (!uniqueKeys) addDuplicateKeyErrors(doc);
    const errors = doc.errors.map((e) => ({ line: lines.linePos(e.pos[0]).line, message: e.message }));
    if (errors.length > 0) return { errors, value: undefined, outline: null };
    const value = toJS(doc, limits);
    if (!value.ok) return { errors, value: undefined, outline: null, readError: value.problem.message };
    return { errors, value: value.value, outline: outlineOf(doc.contents) };
  });
  return { ok: true, docs, lineStarts: lines.lineStarts };
}

function toJS(doc: Document.Parsed, limits: YamlLimits): { ok: true; value: unknown } | { ok: false; problem: YamlProblem } {
  try {
    // The alias cap stops a "billion laughs" file from exhausting memory.
    return { ok: true, value: doc.toJS({ maxAliasCount: limits.maxAliasCount }) };
  } catch (err) {
    if (err instanceof ReferenceError && /alias count/i.test(err.message)) return { ok: false, problem: { kind: 'limit', message: tooManyAliases(limits) } };
    return { ok: false, problem: { kind: 'read', message: errorMessage(err) } };
  }
}

interface Repeated {
  path: Array<string | number>;
  /** Where each occurrence of the key starts, the first included. */
  offsets: number[];
}

/**
 * Every mapping key that occurs more than once, found with one map per mapping instead of
 * comparing every key with every earlier one. Keys are equal as yaml compares them: scalars
 * whose values are === (so NaN never repeats). Recursive: the depth limit has been checked.
 */
function repeatedKeys(doc: Document.Parsed): Repeated[] {
  const found: Repeated[] = [];
  const visit = (node: unknown, path: Array<string | number>): void => {
    if (isMap(node)) {
      const seen = new Map<unknown, Repeated>();
      for (const pair of node.items) {
        const key = pair.key;
        const name = isScalar(key) ? String(key.value) : '?';
        if (isScalar(key) && !Number.isNaN(key.value)) {
          const at = key.range?.[0] ?? 0;
          const before = seen.get(key.value);
          if (!before) seen.set(key.value, { path: [...path, name], offsets: [at] });
          else if (before.offsets.push(at) === 2) found.push(before);
        }
        visit(pair.key, path);
        visit(pair.value, [...path, name]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    }
  };
  visit(doc.contents, []);
  return found.sort((a, b) => (a.offsets[1] ?? 0) - (b.offsets[1] ?? 0));
}

/**
 * yaml's duplicate-key error for every repeat (the alias files keep refusing them), found in
 * linear time. The errors join the others in the order of the source.
 */
function addDuplicateKeyErrors(doc: Document.Parsed): void {
  const found = repeatedKeys(doc).flatMap((r) => r.offsets.slice(1)).map((at) => new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
  if (found.length === 0) return;
  const all = [...doc.errors, ...found].sort((a, b) => a.pos[0] - b.pos[0]);
  doc.errors.length = 0;
  for (const e of all) doc.errors.push(e);
}
