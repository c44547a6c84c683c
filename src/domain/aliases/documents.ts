import { readYamlDocs, YamlPlaces } from '../../core/yaml-safe/index.js';

/**
 * Splits one alias file into alias entries, each with a way to name a place inside it as
 * `file:line: yaml.path`. A file holds one alias, several `---` documents of one alias each,
 * or `{aliases: [...]}`; all three can be mixed across documents.
 */
export interface AliasEntry {
  value: unknown;
  /** `file:line: path` for a path relative to this alias. */
  locate(path: readonly PropertyKey[]): string;
  /** The line `locate` names, to list an alias's problems top to bottom. */
  lineOf(path: readonly PropertyKey[]): number;
}

export interface FileEntries {
  entries: AliasEntry[];
  errors: string[];
  warnings: string[];
}

const YAML_POSITION = / at line \d+, column \d+:?$/;

export function pathString(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out === '' ? '(document)' : out;
}

function locator(file: string, places: YamlPlaces, base: readonly PropertyKey[], label: readonly PropertyKey[]) {
  // A missing key has no node: the nearest ancestor that exists stands for it.
  const lineOf = (path: readonly PropertyKey[]): number => places.locate([...base, ...path])?.line ?? 1;
  return { lineOf, locate: (path: readonly PropertyKey[]) => `${file}:${lineOf(path)}: ${pathString([...label, ...path])}` };
}

/** The yaml library's first line, without the position we already put in front. */
function yamlMessage(message: string): string {
  return (message.split('\n')[0] ?? '').replace(YAML_POSITION, '');
}

/** Reads within packbot's YAML limits (size, nesting, keys, alias expansion); big files off the main thread. */
export async function readEntries(file: string, text: string): Promise<FileEntries> {
  const out: FileEntries = { entries: [], errors: [], warnings: [] };
  const read = await readYamlDocs(text);
  if (!read.ok) {
    const line = read.problem.kind === 'syntax' ? read.problem.line : 1;
    out.errors.push(`${file}:${line}: YAML: ${read.problem.message}`);
    return out;
  }
  const { docs } = read;
  for (const [d, doc] of docs.entries()) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) out.errors.push(`${file}:${e.line}: YAML: ${yamlMessage(e.message)}`);
      continue;
    }
    if (doc.readError !== undefined) {
      out.errors.push(`${file}:1: YAML: ${doc.readError}`);
      continue;
    }
    if (doc.value == null) continue; // an empty document, e.g. after a trailing `---`
    const places = new YamlPlaces(doc.outline, read.lineStarts, text);
    const label: PropertyKey[] = docs.length > 1 ? ['documents', d] : [];
    const at = (base: PropertyKey[]) => locator(file, places, base, [...label, ...base]);
    const root = doc.outline;
    if (root?.kind !== 'map') {
      out.errors.push(`${at([]).locate([])}: must be an alias (a mapping) or {aliases: [...]}`);
      continue;
    }
    const list = root.pairs.find((p) => p.key === 'aliases');
    if (!list) {
      out.entries.push({ value: doc.value, ...at([]) });
      continue;
    }
    for (const pair of root.pairs) {
      // As the yaml library names a key that is not a scalar: "undefined".
      const key = pair.key ?? 'undefined';
      if (key !== 'aliases') out.warnings.push(`${at([]).locate([key])}: unknown field "${key}" (ignored)`);
    }
    if (list.value?.kind !== 'seq') {
      out.errors.push(`${at([]).locate(['aliases'])}: must be a list of aliases`);
      continue;
    }
    const values = (doc.value as { aliases: unknown[] }).aliases;
    values.forEach((value, i) => out.entries.push({ value, ...at(['aliases', i]) }));
  }
  return out;
}
