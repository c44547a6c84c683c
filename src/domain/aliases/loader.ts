import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { errnoCode, errorMessage } from '../../core/caught.js';
import { PackbotError, isPackbotError } from '../../core/errors.js';
import { compileFormat } from './format.js';
import { readEntries, type AliasEntry } from './documents.js';
import { KNOWN_FIELDS, toDefinition, validateAlias } from './schema.js';
import { AliasTable } from './table.js';
import type { AliasDefinition } from './types.js';

/**
 * Reads alias files and reports every problem at once (`file:line: yaml.path: message`), so
 * a pack author fixes a file in one pass instead of one error per reload.
 */
export interface LoadedAliases {
  definitions: AliasDefinition[];
  errors: string[];
  warnings: string[];
}

const ALIAS_EXTENSIONS = new Set(['.yaml', '.yml']);

/** Files as given, plus *.yaml / *.yml directly inside given directories, sorted per directory. */
async function expandPaths(paths: readonly string[], errors: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    try {
      if ((await stat(path)).isDirectory()) {
        const names = (await readdir(path)).filter((n) => ALIAS_EXTENSIONS.has(extname(n))).sort();
        if (names.length === 0) errors.push(`${path}: no *.yaml or *.yml alias files in this directory`);
        files.push(...names.map((n) => join(path, n)));
      } else files.push(path);
    } catch (err) {
      errors.push(`${path}: cannot read (${errnoCode(err) ?? errorMessage(err)})`);
    }
  }
  return files;
}

/**
 * Formats are compiled here too, so a bad regex is reported with its place in the file. It
 * reads the raw value, so a format error shows up alongside schema errors, not after them.
 */
function formatProblems(raw: unknown, entry: AliasEntry): Problem[] {
  const formats = (raw as { formats?: unknown } | null)?.formats;
  if (!Array.isArray(formats)) return [];
  const found: Array<[string, PropertyKey[]]> = [];
  formats.forEach((f: unknown, i) => {
    if (typeof f === 'string') found.push([f, ['formats', i]]);
    const reps = (f as { representation?: unknown } | null)?.representation;
    if (typeof reps === 'string') found.push([reps, ['formats', i, 'representation']]);
    if (Array.isArray(reps)) reps.forEach((r: unknown, j) => typeof r === 'string' && found.push([r, ['formats', i, 'representation', j]]));
  });
  const problems: Problem[] = [];
  for (const [format, path] of found) {
    try {
      compileFormat(format);
    } catch (err) {
      if (!isPackbotError(err)) throw err;
      problems.push({ line: entry.lineOf(path), text: `${entry.locate(path)}: ${err.message}` });
    }
  }
  return problems;
}

interface Problem {
  line: number;
  text: string;
}

/** Validates one alias; `seen` maps names to where they were first defined. */
function checkEntry(entry: AliasEntry, file: string, seen: Map<string, string>, out: LoadedAliases): void {
  const value = entry.value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      if (!KNOWN_FIELDS.has(key)) out.warnings.push(`${entry.locate([key])}: unknown field "${key}" (ignored)`);
    }
  }
  const formats = (value as { formats?: unknown } | null)?.formats;
  if (Array.isArray(formats)) {
    formats.forEach((f: unknown, i) => {
      if ((f as { match_multiple?: unknown } | null)?.match_multiple === true) {
        out.warnings.push(`${entry.locate(['formats', i, 'match_multiple'])}: match_multiple is not supported: the command runs once, for the first match in the message`);
      }
    });
  }
  const problems = formatProblems(value, entry);
  const result = validateAlias(value);
  if ('problems' in result) {
    problems.push(...result.problems.map((p) => ({ line: entry.lineOf(p.path), text: `${entry.locate(p.path)}: ${p.message}` })));
  } else {
    const earlier = seen.get(result.alias.name);
    const where = entry.locate(['name']);
    if (earlier) problems.push({ line: entry.lineOf(['name']), text: `${where}: alias "${result.alias.name}" is already defined at ${earlier}` });
    else seen.set(result.alias.name, `${file}:${entry.lineOf(['name'])}`);
  }
  // Top to bottom, as the author reads the file.
  out.errors.push(...problems.sort((a, b) => a.line - b.line).map((p) => p.text));
  if (problems.length === 0 && 'alias' in result) out.definitions.push(toDefinition(result.alias, file));
}

export async function loadAliasFiles(paths: string[]): Promise<LoadedAliases> {
  const out: LoadedAliases = { definitions: [], errors: [], warnings: [] };
  const seen = new Map<string, string>();
  for (const file of await expandPaths(paths, out.errors)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      out.errors.push(`${file}: cannot read (${errnoCode(err) ?? errorMessage(err)})`);
      continue;
    }
    const { entries, errors, warnings } = await readEntries(file, text);
    out.errors.push(...errors);
    out.warnings.push(...warnings);
    for (const entry of entries) checkEntry(entry, file, seen, out);
  }
  return out;
}

/** Loads and compiles the table; throws `alias_file_invalid` listing every error. Collisions are warnings. */
export async function loadAliasTable(paths: string[]): Promise<{ table: AliasTable; warnings: string[] }> {
  const { definitions, errors, warnings } = await loadAliasFiles(paths);
  if (errors.length > 0) {
    const noun = errors.length === 1 ? 'problem' : 'problems';
    throw new PackbotError('alias_file_invalid', `The alias files have ${errors.length} ${noun}; fix them and reload:`, { details: errors });
  }
  const table = new AliasTable(definitions);
  return { table, warnings: [...warnings, ...table.collisions()] };
}
