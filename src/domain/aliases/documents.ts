import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { locateInYaml } from '../../core/yaml-locate.js';

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

function locator(file: string, doc: Document, counter: LineCounter, base: readonly PropertyKey[], label: readonly PropertyKey[]) {
  // A missing key has no node: the nearest ancestor that exists stands for it.
  const lineOf = (path: readonly PropertyKey[]): number => locateInYaml(doc, counter, [...base, ...path])?.line ?? 1;
  return { lineOf, locate: (path: readonly PropertyKey[]) => `${file}:${lineOf(path)}: ${pathString([...label, ...path])}` };
}

/** The yaml library's first line, without the position we already put in front. */
function yamlMessage(message: string): string {
  return (message.split('\n')[0] ?? '').replace(YAML_POSITION, '');
}

export function readEntries(file: string, text: string): FileEntries {
  const counter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: counter });
  const docs = Array.isArray(parsed) ? parsed : [];
  const out: FileEntries = { entries: [], errors: [], warnings: [] };
  for (const [d, doc] of docs.entries()) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) out.errors.push(`${file}:${e.linePos?.[0].line ?? 1}: YAML: ${yamlMessage(e.message)}`);
      continue;
    }
    if (doc.toJS() == null) continue; // an empty document, e.g. after a trailing `---`
    const label: PropertyKey[] = docs.length > 1 ? ['documents', d] : [];
    const at = (base: PropertyKey[]) => locator(file, doc, counter, base, [...label, ...base]);
    if (!isMap(doc.contents)) {
      out.errors.push(`${at([]).locate([])}: must be an alias (a mapping) or {aliases: [...]}`);
      continue;
    }
    if (!doc.contents.has('aliases')) {
      out.entries.push({ value: doc.toJS(), ...at([]) });
      continue;
    }
    const list = doc.contents.get('aliases', true);
    for (const item of doc.contents.items) {
      const key = (item.key as { value?: unknown } | null)?.value;
      if (key !== 'aliases') out.warnings.push(`${at([]).locate([String(key)])}: unknown field "${String(key)}" (ignored)`);
    }
    if (!isSeq(list)) {
      out.errors.push(`${at([]).locate(['aliases'])}: must be a list of aliases`);
      continue;
    }
    const values = (doc.toJS() as { aliases: unknown[] }).aliases;
    values.forEach((value, i) => out.entries.push({ value, ...at(['aliases', i]) }));
  }
  return out;
}
