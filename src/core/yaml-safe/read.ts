/**
 * Reading YAML text within limits, into plain data that can cross a thread boundary: the value,
 * an outline of where things are, the line starts, and the problems. Synchronous and
 * self-contained, so the same function runs inline for small files and in a worker for big ones.
 *
 * It does what `parseDocument` / `parseAllDocuments` do (Parser, then Composer), but measures
 * the syntax tree in between, so nothing recursive or quadratic runs on a file over a limit.
 * With the options the pack and alias readers always used, the documents, values and error
 * messages are the ones those two functions give.
 */
import { Composer, isMap, isScalar, isSeq, LineCounter, Parser, YAMLParseError, type CST, type Document } from 'yaml';
import { errorMessage } from '../caught.js';
import { exceededLimit, measureCst, prescanTokens, tooManyAliases, tooManyBytes, type YamlLimits } from './limits.js';
import { outlineOf, type OutlineNode } from './outline.js';

/** `kind: 'limit'` problems are about the file as a whole and carry no line. */
export type YamlProblem = { kind: 'syntax'; line: number; message: string } | { kind: 'read' | 'limit'; message: string };

export type YamlRead =
  | { ok: true; value: unknown; outline: OutlineNode | null; lineStarts: number[] }
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
  const early = prescanTokens(text, limits);
  if (early) return { kind: 'limit', message: early };
  const lines = new LineCounter();
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  const measure = measureCst(tokens);
  const over = exceededLimit(measure, limits);
  if (over) return { kind: 'limit', message: over };
  return { tokens, lines, uniqueKeys: measure.widestMap <= wideMapsFrom };
}

/** One document, as `parseDocument(text, { prettyErrors: false, uniqueKeys: true })` and `toJS` read it. */
export function readYamlText(text: string, limits: YamlLimits, wideMapsFrom = QUADRATIC_KEY_CHECK_MAX): YamlRead {
  const parsed = parse(text, limits, wideMapsFrom);
  if ('kind' in parsed) return { ok: false, problem: parsed };
  const { tokens, lines, uniqueKeys } = parsed;
  const composer = new Composer({ prettyErrors: false, uniqueKeys });
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
  if (!uniqueKeys) addDuplicateKeyErrors(doc);
  const syntax = doc.errors[0];
  // Only the first: after a syntax error the parser's further complaints are mostly echoes of it.
  if (syntax) return { ok: false, problem: { kind: 'syntax', line: lines.linePos(syntax.pos[0]).line, message: syntax.message } };
  const value = toJS(doc, limits);
  if (!value.ok) return { ok: false, problem: value.problem };
  return { ok: true, value: value.value, outline: outlineOf(doc.contents), lineStarts: lines.lineStarts };
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

/**
 * yaml's duplicate-key error, found with one set per mapping instead of comparing every key
 * with every earlier one. Keys are equal as yaml compares them: scalars whose values are ===
 * (so NaN never repeats). The errors join the others in the order of the source.
 */
function addDuplicateKeyErrors(doc: Document.Parsed): void {
  const found: YAMLParseError[] = [];
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          if (seen.has(key.value)) {
            const at = key.range?.[0] ?? 0;
            found.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
          } else seen.add(key.value);
        }
        visit(pair.key);
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  if (found.length === 0) return;
  const all = [...doc.errors, ...found].sort((a, b) => a.pos[0] - b.pos[0]);
  doc.errors.length = 0;
  for (const e of all) doc.errors.push(e);
}
