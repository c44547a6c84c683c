/**
 * Problems found in a pack, and the YAML reading they mostly come from. A problem names the
 * file relative to the pack root and, where the YAML tells us, the line, so a pack author can
 * jump straight to it: `actions/greet.yaml:4: entry_point "greet.py": actions/greet.py does not exist`.
 */
import type { z } from 'zod';
import { readYaml, readYamlNow, YamlPlaces, type DuplicateKey, type YamlPool, type YamlProblem, type YamlRead } from '../../core/yaml-safe/index.js';

export interface Problem {
  /** Path relative to the pack root, with `/` separators; empty for the pack as a whole. */
  file: string;
  line?: number;
  message: string;
}

export function formatProblem(p: Problem): string {
  if (p.file === '') return p.message;
  return `${p.file}${p.line === undefined ? '' : `:${p.line}`}: ${p.message}`;
}

export type Path = ReadonlyArray<string | number>;

/** A parsed YAML file that can still say where each value came from. */
export interface YamlFile {
  file: string;
  text: string;
  value: unknown;
  /** Line of the value at `path`; with `atKey`, of its key (for problems with the key itself). */
  lineOf(path: Path, atKey?: boolean): number | undefined;
  /**
   * The source text of a scalar: `version: 1.10` parses as the number 1.1, and only the text
   * keeps what the author wrote (PyYAML has the same loss, which is how st2 reads it as 1.1.0).
   */
  sourceOf(path: Path): string | undefined;
  /** What StackStorm reads too, but differently from what the author likely meant: repeated keys. */
  warnings: Problem[];
}

export type YamlResult = { ok: true; yaml: YamlFile } | { ok: false; problems: Problem[] };

const firstLine = (message: string): string => message.split('\n')[0]?.trim() ?? '';

function yamlProblem(file: string, p: YamlProblem): Problem {
  if (p.kind === 'syntax') return { file, line: p.line, message: `YAML syntax error: ${firstLine(p.message)}` };
  if (p.kind === 'read') return { file, message: `cannot read the YAML: ${firstLine(p.message)}` };
  return { file, message: p.message };
}

const TIMES = ['', 'once', 'twice', 'three times'];

/** "key `parameters.cmd` appears twice (lines 3 and 9); StackStorm (PyYAML) keeps the last value" */
function duplicateKey(file: string, d: DuplicateKey): Problem {
  const n = d.lines.length;
  const lines = `${d.lines.slice(0, -1).join(', ')} and ${d.lines.at(-1) ?? ''}`;
  const key = dotted(d.path);
  return { file, line: d.lines.at(-1) ?? 1, message: `key \`${key}\` appears ${TIMES[n] ?? `${n} times`} (lines ${lines}); StackStorm (PyYAML) keeps the last value` };
}

/**
 * Parses within packbot's YAML limits (size, nesting, keys, alias expansion), off the main
 * thread when the file is big. A repeated key reads as PyYAML (StackStorm's parser) reads it,
 * the last value winning, and is a warning: StackStorm installs such a file, but a duplicate
 * is nearly always a bad merge.
 */
export async function parseYaml(file: string, text: string, pool?: YamlPool): Promise<YamlResult> {
  return parseYamlNow(file, text) ?? yamlResult(file, text, await readYaml(text, pool ? { pool } : {}));
}

/** parseYaml's result at once for a file small enough to parse on this thread, else null. */
export function parseYamlNow(file: string, text: string): YamlResult | null {
  const read = readYamlNow(text);
  return read ? yamlResult(file, text, read) : null;
}

function yamlResult(file: string, text: string, read: YamlRead): YamlResult {
  if (!read.ok) return { ok: false, problems: [yamlProblem(file, read.problem)] };
  const places = new YamlPlaces(read.outline, read.lineStarts, text);
  return {
    ok: true,
    yaml: {
      file,
      text,
      value: read.value,
      lineOf: (path, atKey = false) => {
        const at = places.locate(path, atKey);
        // A missing top-level key has no place of its own; line 1 would only point at the
        // document. A missing nested key is shown at its parent.
        return at === undefined || (at.depth === 0 && path.length > 0) ? undefined : at.line;
      },
      sourceOf: (path) => places.sourceOf(path),
      warnings: read.duplicates.map((d) => duplicateKey(file, d)),
    },
  };
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A short, safe rendering of a value for messages. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

/** Zod error map in the words of packbot.yaml's checks: "is required (<hint>)" or "expected <hint>, got <value>". */
export function want(hint: string): (iss: z.core.$ZodRawIssue) => string {
  return (iss) => (iss.input === undefined ? `is required (${hint})` : `expected ${hint}, got ${describe(iss.input)}`);
}

function dotted(path: Path): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

/** Every zod issue as a problem at the line of the value it is about. */
export function zodProblems(yaml: YamlFile, result: z.ZodSafeParseResult<unknown>, prefix: Path = []): Problem[] {
  if (result.success) return [];
  return result.error.issues.map((iss) => {
    const path = [...prefix, ...iss.path.map((s) => (typeof s === 'symbol' ? String(s) : s))];
    const line = yaml.lineOf(path);
    const where = path.length > 0 ? `${dotted(path)}: ` : '';
    return { file: yaml.file, ...(line === undefined ? {} : { line }), message: `${where}${iss.message}` };
  });
}

export { dotted as formatPath };
